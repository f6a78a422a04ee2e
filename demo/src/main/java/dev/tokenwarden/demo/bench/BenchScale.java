package dev.tokenwarden.demo.bench;

/**
 * {@code --scale}: every count a scenario uses is its full-size count times this factor (1 = the sizes the
 * README's table was measured with), never below a floor that keeps the figure meaningful.
 */
record BenchScale(double factor) {

    int of(int fullSize, int floor) {
        return (int) Math.max(floor, Math.round(fullSize * factor));
    }
}

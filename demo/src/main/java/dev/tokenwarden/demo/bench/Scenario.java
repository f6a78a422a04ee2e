package dev.tokenwarden.demo.bench;

/** One scenario of {@code tokenwarden bench}: measures on the shared stack and adds its rows to the context. */
interface Scenario {
    String name();

    /** One line for {@code --help}. */
    String summary();

    void run(BenchContext ctx) throws Exception;
}

package dev.tokenwarden.refresh;

import java.time.Duration;

/**
 * The background sweep's settings ({@code sweep.*}); validated by the configuration.
 *
 * @param interval zero when the sweep is off
 */
public record SweepSettings(Duration interval, Duration refreshWindow, int pageSize) {
    public boolean enabled() {
        return !interval.isZero();
    }
}

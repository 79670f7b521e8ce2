package org.switchboard.config;

/** The history settings of a {@link HubSettings} for unit tests in other packages (its fields are package-private). */
public final class HistoryTestSettings {

    private HistoryTestSettings() {
    }

    /** {@code settings} with {@code switchboard.history.channels} set to {@code rules}. */
    public static HubSettings channels(HubSettings settings, String rules) {
        settings.historyChannels = rules;
        return settings;
    }

    public static HubSettings pageMax(HubSettings settings, int pageMax) {
        settings.historyPageMax = pageMax;
        return settings;
    }

    public static HubSettings resumeMax(HubSettings settings, int resumeMax) {
        settings.historyResumeMax = resumeMax;
        return settings;
    }

    public static HubSettings pruneMaxRows(HubSettings settings, int rows) {
        settings.historyPruneMaxRows = rows;
        return settings;
    }
}

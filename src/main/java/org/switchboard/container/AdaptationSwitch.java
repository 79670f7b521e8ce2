package org.switchboard.container;

import org.eclipse.microprofile.config.ConfigProvider;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The configuration key that turns adaptations off: {@value #KEY} = a comma-separated list of
 * adaptation names, or {@code all}. Read through {@link ConfigProvider} because two adaptations
 * are consulted outside CDI (the endpoint configurator Tyrus instantiates, and bean lookups made
 * while beans are being constructed).
 */
public final class AdaptationSwitch {

    public static final String KEY = "switchboard.container.disabled";

    private AdaptationSwitch() {
    }

    public static boolean isOff(String name) {
        return isOff(name, configured());
    }

    static boolean isOff(String name, String setting) {
        Set<String> off = parse(setting);
        return off.contains("all") || off.contains(name);
    }

    static Set<String> parse(String setting) {
        if (setting == null || setting.isBlank()) {
            return Set.of();
        }
        return Arrays.stream(setting.split(",")).map(s -> s.trim().toLowerCase(Locale.ROOT))
                .filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }

    /** The setting as configured; empty where there is no configuration (outside a container). */
    static String configured() {
        try {
            return ConfigProvider.getConfig().getOptionalValue(KEY, String.class).orElse("");
        } catch (RuntimeException e) {
            return "";
        }
    }
}

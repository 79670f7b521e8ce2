package org.switchboard.security;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Identity from the {@code name} query parameter, unauthenticated. A client without a name is a
 * guest named after its connection id.
 */
@ApplicationScoped
public class DisplayNameIdentityResolver implements IdentityResolver {

    public static final int MAX_NAME_LENGTH = 64;

    @Override
    public Optional<Identity> resolve(Map<String, List<String>> parameters, String connectionId) {
        List<String> names = parameters.get("name");
        if (names == null || names.isEmpty()) {
            return Optional.of(new Identity("guest-" + connectionId, false));
        }
        String name = names.get(0).strip();
        if (!isValid(name)) {
            return Optional.empty();
        }
        return Optional.of(new Identity(name, false));
    }

    static boolean isValid(String name) {
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            return false;
        }
        return name.codePoints().noneMatch(Character::isISOControl);
    }

    @Override
    public String rule() {
        return "name must be 1-" + MAX_NAME_LENGTH + " characters without control characters";
    }
}

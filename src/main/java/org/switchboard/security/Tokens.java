package org.switchboard.security;

import com.nimbusds.jose.JWSObject;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.switchboard.config.SecuritySettings;

import java.io.IOException;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Verifies the bearer tokens clients present, on the handshake and in a {@code refresh}: with the
 * keys the {@code mp.jwt.verify.*} settings name, and, when the demo issuer runs, with its key.
 * Resolved once at start; a key that cannot be read (the demo issuer's key file included) fails the
 * deployment.
 */
@ApplicationScoped
public class Tokens {

    @Inject
    SecuritySettings settings;

    private TokenVerifier configured;
    private DemoIssuer demo;

    @PostConstruct
    void start() {
        try {
            configured = TokenVerifier.keys(settings.publicKey(), settings.publicKeyLocation())
                    .map(keys -> new TokenVerifier(keys, new TokenVerifier.Policy(settings.issuer(), audiences(),
                            settings.clockSkewS(), TokenVerifier.algorithms(settings.publicKeyAlgorithm()))))
                    .orElse(null);
        } catch (IOException e) {
            throw new IllegalStateException("mp.jwt.verify.publickey(.location) cannot be read: " + e.getMessage(), e);
        }
        if (settings.demoIssuer()) {
            demo = settings.demoIssuerKeyFile()
                    .map(file -> new DemoIssuer(demoKey(file), settings.demoTokenTtlS(), settings.clockSkewS()))
                    .orElseGet(() -> new DemoIssuer(settings.demoTokenTtlS(), settings.clockSkewS()));
        }
    }

    private static com.nimbusds.jose.jwk.ECKey demoKey(String file) {
        try {
            return DemoIssuerKey.load(Path.of(file));
        } catch (IOException e) {
            throw new IllegalStateException("switchboard.security.demo-issuer-key-file: " + e.getMessage(), e);
        }
    }

    private Set<String> audiences() {
        return settings.audiences().map(a -> Arrays.stream(a.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .collect(Collectors.toSet())).orElse(Set.of());
    }

    public Identity verify(String token) throws TokenVerifier.InvalidToken {
        if (demo != null && demo.signed(keyId(token))) {
            return demo.verifier().verify(token);
        }
        if (configured == null) {
            throw new TokenVerifier.InvalidToken("this hub has no token key configured (mp.jwt.verify.publickey)");
        }
        return configured.verify(token);
    }

    private static String keyId(String token) {
        try {
            return token == null || token.length() > TokenVerifier.MAX_TOKEN_CHARS ? null : JWSObject.parse(token).getHeader().getKeyID();
        } catch (ParseException e) {
            return null;
        }
    }

    /** Whether {@code token} names the demo issuer's key (verify it before trusting anything in it). */
    public boolean fromDemoIssuer(String token) {
        return demo != null && demo.signed(keyId(token));
    }

    /** The demo issuer, when {@code switchboard.security.demo-issuer=enabled}. */
    public Optional<DemoIssuer> demo() {
        return Optional.ofNullable(demo);
    }

    /** One line for the start-up log and the readiness data. */
    public String describe() {
        String keys = configured == null ? "no token key configured"
                : "tokens verified with " + settings.publicKeyLocation().orElse("mp.jwt.verify.publickey")
                + settings.issuer().map(i -> ", issuer " + i).orElse("") + settings.audiences().map(a -> ", audiences " + a).orElse("");
        return keys + (demo == null ? "" : "; DEMO token issuer enabled (demo only), key "
                + settings.demoIssuerKeyFile().map(f -> "from " + f).orElse("made in memory"));
    }
}

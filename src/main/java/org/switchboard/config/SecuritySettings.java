package org.switchboard.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Optional;

/**
 * Who may connect and what they may do, read once from MicroProfile Config at startup. Token
 * verification uses the standard {@code mp.jwt.*} keys, so a domain already configured for
 * MicroProfile JWT needs nothing new; the hub's own policy is under {@code switchboard.security.*}.
 * docs/operations.md lists every key.
 */
@ApplicationScoped
public class SecuritySettings {

    /** Shipped rules: permissive enough for the demo, and one example of every rule kind. */
    public static final String DEFAULT_RULES = "user.{sub}.** *=owner; team.{group}.** *=owner; "
            + "restricted.** *=role:switchboard-user; admin.** *=role:switchboard-admin; ** *=anyone";

    @Inject
    @ConfigProperty(name = "switchboard.security.anonymous", defaultValue = "false")
    boolean anonymous;

    @Inject
    @ConfigProperty(name = "switchboard.security.allowed-origins", defaultValue = " ")
    String allowedOrigins;

    @Inject
    @ConfigProperty(name = "switchboard.security.rules", defaultValue = DEFAULT_RULES)
    String rules;

    @Inject
    @ConfigProperty(name = "switchboard.security.handshakes-per-address", defaultValue = "100")
    int handshakesPerAddress;

    @Inject
    @ConfigProperty(name = "switchboard.security.connections-per-address", defaultValue = "5000")
    int connectionsPerAddress;

    @Inject
    @ConfigProperty(name = "switchboard.security.connections-per-subject", defaultValue = "50")
    int connectionsPerSubject;

    @Inject
    @ConfigProperty(name = "switchboard.security.expiry-warning-s", defaultValue = "60")
    int expiryWarningS;

    @Inject
    @ConfigProperty(name = "switchboard.security.demo-issuer", defaultValue = "off")
    String demoIssuer;

    @Inject
    @ConfigProperty(name = "switchboard.security.demo-token-ttl-s", defaultValue = "300")
    int demoTokenTtlS;

    @Inject
    @ConfigProperty(name = "switchboard.security.demo-issuer-key-file")
    Optional<String> demoIssuerKeyFile;

    @Inject
    @ConfigProperty(name = "switchboard.security.container-roles",
            defaultValue = "switchboard-user,switchboard-admin,switchboard-publisher")
    String containerRoles;

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.publickey")
    Optional<String> publicKey;

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.publickey.location")
    Optional<String> publicKeyLocation;

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.publickey.algorithm")
    Optional<String> publicKeyAlgorithm;

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.issuer")
    Optional<String> issuer;

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.audiences")
    Optional<String> audiences;

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.clock.skew", defaultValue = "60")
    int clockSkewS;

    @Inject
    @ConfigProperty(name = "mp.jwt.token.cookie", defaultValue = "switchboard_token")
    String tokenCookie;

    /** Whether clients may connect with a self-chosen {@code ?name=} and no credentials (demos and tests only). */
    public boolean anonymous() {
        return anonymous;
    }

    /** Comma-separated origins allowed besides the hub's own; {@code *} allows every origin. */
    public String allowedOrigins() {
        return allowedOrigins.strip();
    }

    public String rules() {
        return rules;
    }

    /** Handshakes per second one IP address may make (bursts of twice that); 0 = no limit. */
    public int handshakesPerAddress() {
        return handshakesPerAddress;
    }

    /** Open connections one IP address may hold on this member; 0 = no limit. */
    public int connectionsPerAddress() {
        return connectionsPerAddress;
    }

    /** Open connections one authenticated subject may hold on this member; 0 = no limit. */
    public int connectionsPerSubject() {
        return connectionsPerSubject;
    }

    public int expiryWarningS() {
        return expiryWarningS;
    }

    /** The demo token issuer runs only when this is exactly {@code enabled}. */
    public boolean demoIssuer() {
        return "enabled".equals(demoIssuer);
    }

    public int demoTokenTtlS() {
        return demoTokenTtlS;
    }

    /** The demo issuer's key pair (JWK or PEM): its tokens then survive restarts and hold on every member reading it. */
    public Optional<String> demoIssuerKeyFile() {
        return demoIssuerKeyFile.map(String::strip).filter(s -> !s.isEmpty());
    }

    /** Roles a container-authenticated caller is tested for (JWT callers bring their groups). */
    public String containerRoles() {
        return containerRoles;
    }

    public Optional<String> publicKey() {
        return publicKey.filter(s -> !s.isBlank());
    }

    public Optional<String> publicKeyLocation() {
        return publicKeyLocation.filter(s -> !s.isBlank());
    }

    public Optional<String> publicKeyAlgorithm() {
        return publicKeyAlgorithm.filter(s -> !s.isBlank());
    }

    public Optional<String> issuer() {
        return issuer.filter(s -> !s.isBlank());
    }

    public Optional<String> audiences() {
        return audiences.filter(s -> !s.isBlank());
    }

    public int clockSkewS() {
        return clockSkewS;
    }

    public String tokenCookie() {
        return tokenCookie;
    }
}

package org.switchboard.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The demo's token issuer: signs short-lived ES256 tokens for users the container's realm has
 * authenticated. It exists so the demo can run as two users in two tabs of one browser (a session
 * cookie is per browser). Its key pair ({@link DemoIssuerKey}) is made in memory at start, so its
 * tokens are valid on this member only and die with it, unless it is read from a file: then they
 * survive a restart and are valid on every member that reads the same file. Off unless
 * {@code switchboard.security.demo-issuer=enabled}.
 */
public final class DemoIssuer {

    public static final String ISSUER = "switchboard-demo";

    private final ECKey key;
    private final TokenVerifier verifier;
    private final long ttlSeconds;

    /** With a key pair made in memory. */
    public DemoIssuer(long ttlSeconds, int clockSkewS) {
        this(DemoIssuerKey.generate(), ttlSeconds, clockSkewS);
    }

    /** With the given key pair (P-256, private). */
    public DemoIssuer(ECKey key, long ttlSeconds, int clockSkewS) {
        this.key = key;
        this.ttlSeconds = ttlSeconds;
        verifier = new TokenVerifier(new ImmutableJWKSet<>(new JWKSet(key.toPublicJWK())),
                new TokenVerifier.Policy(Optional.of(ISSUER), Set.of(), clockSkewS, Set.of(JWSAlgorithm.ES256)));
    }

    /** A signed token for a subject the realm authenticated, with the roles it is in as {@code groups}. */
    public String issue(String subject, List<String> groups, Instant now) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(subject)
                .claim("preferred_username", subject)
                .claim("groups", groups)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(ttlSeconds)))
                .jwtID(UUID.randomUUID().toString())
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
        try {
            jwt.sign(new ECDSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a demo token", e);
        }
        return jwt.serialize();
    }

    /** Whether {@code keyId} (a token header's {@code kid}) names this issuer's key. */
    public boolean signed(String keyId) {
        return key.getKeyID().equals(keyId);
    }

    public TokenVerifier verifier() {
        return verifier;
    }

    public long ttlSeconds() {
        return ttlSeconds;
    }
}

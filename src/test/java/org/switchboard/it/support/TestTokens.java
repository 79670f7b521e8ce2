package org.switchboard.it.support;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The test identity provider: an RSA and an EC key pair generated when the test JVM starts (no key
 * is ever committed or written to disk), whose public halves every IT deployment trusts through the
 * standard {@code mp.jwt.verify.publickey} key ({@link #config()}), and real signed tokens for any
 * subject.
 */
public final class TestTokens {

    public static final String ISSUER = "https://switchboard-it.example/issuer";
    public static final String AUDIENCE = "switchboard";

    private static final RSAKey RSA;
    private static final ECKey EC;

    static {
        try {
            RSA = new RSAKeyGenerator(2048).keyID("it-rsa").generate();
            EC = new ECKeyGenerator(Curve.P_256).keyID("it-ec").generate();
        } catch (JOSEException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private TestTokens() {
    }

    /** The deployment config that trusts these keys: both public keys as PEM, issuer and audience. */
    public static Map<String, String> config() {
        try {
            return Map.of("mp.jwt.verify.publickey", pem(RSA.toPublicKey().getEncoded()) + pem(EC.toPublicKey().getEncoded()),
                    "mp.jwt.verify.issuer", ISSUER,
                    "mp.jwt.verify.audiences", AUDIENCE);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(byte[] der) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END PUBLIC KEY-----\n";
    }

    /** A valid RS256 token for {@code subject} (display name the same), 10 minutes. */
    public static String token(String subject, String... groups) {
        return builder(subject).groups(groups).sign();
    }

    public static Builder builder(String subject) {
        return new Builder(subject);
    }

    /** One token's claims and signing, for tests of what the hub refuses. */
    public static final class Builder {
        private final JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder();
        private boolean ec;
        private RSAKey foreign;

        private Builder(String subject) {
            Instant now = Instant.now();
            claims.subject(subject).issuer(ISSUER).audience(AUDIENCE).claim("name", subject)
                    .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofMinutes(10))))
                    .jwtID(UUID.randomUUID().toString());
        }

        public Builder groups(String... groups) {
            if (groups.length > 0) {
                claims.claim("groups", List.of(groups));
            }
            return this;
        }

        public Builder name(String name) {
            claims.claim("name", name);
            return this;
        }

        public Builder claim(String name, Object value) {
            claims.claim(name, value);
            return this;
        }

        public Builder issuer(String issuer) {
            claims.issuer(issuer);
            return this;
        }

        public Builder audience(String audience) {
            claims.audience(audience);
            return this;
        }

        public Builder expiresIn(Duration ttl) {
            claims.expirationTime(Date.from(Instant.now().plus(ttl)));
            return this;
        }

        /** Signed with ES256 instead of RS256. */
        public Builder ec() {
            ec = true;
            return this;
        }

        /** Signed with a key the hub does not know. */
        public Builder foreignKey() {
            try {
                foreign = new RSAKeyGenerator(2048).keyID("it-rsa").generate();
            } catch (JOSEException e) {
                throw new IllegalStateException(e);
            }
            return this;
        }

        public String sign() {
            try {
                SignedJWT jwt;
                if (ec) {
                    jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(EC.getKeyID()).build(), claims.build());
                    jwt.sign(new ECDSASigner(EC));
                } else {
                    RSAKey key = foreign != null ? foreign : RSA;
                    jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims.build());
                    jwt.sign(new RSASSASigner(key));
                }
                return jwt.serialize();
            } catch (JOSEException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}

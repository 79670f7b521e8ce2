package org.switchboard.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenVerifierTest {

    private static final RSAKey RSA;
    private static final ECKey EC;

    static {
        try {
            RSA = new RSAKeyGenerator(2048).keyID("k1").generate();
            EC = new ECKeyGenerator(Curve.P_256).keyID("k2").generate();
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static String pem(java.security.PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(key.getEncoded()) + "\n-----END PUBLIC KEY-----\n";
    }

    private static JWTClaimsSet.Builder claims(String subject) {
        return new JWTClaimsSet.Builder().subject(subject).issuer("iss").audience("aud")
                .expirationTime(Date.from(Instant.now().plusSeconds(600)));
    }

    private static String rs256(JWTClaimsSet claims, RSAKey key) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static TokenVerifier fromPem() throws Exception {
        String both = pem(RSA.toPublicKey()) + pem(EC.toPublicKey());
        return new TokenVerifier(TokenVerifier.keys(Optional.of(both), Optional.empty()).orElseThrow(),
                new TokenVerifier.Policy(Optional.of("iss"), Set.of("aud"), 60, TokenVerifier.algorithms(Optional.empty())));
    }

    @Test
    void pemKeysVerifyRs256AndEs256TokensThatNameTheirKeyAndTheClaimsBecomeTheIdentity() throws Exception {
        TokenVerifier verifier = fromPem();
        Identity alice = verifier.verify(rs256(claims("alice").claim("name", " Alice\u0007 ").claim("groups", List.of("a", "b"))
                .claim("dept", "ops").build(), RSA));
        assertThat(alice.subject()).isEqualTo("alice");
        assertThat(alice.name()).as("cleaned, not refused").isEqualTo("Alice");
        assertThat(alice.groups()).containsExactlyInAnyOrder("a", "b");
        assertThat(alice.claim("dept")).isEqualTo("ops");
        assertThat(alice.expiresAt()).isAfter(Instant.now());
        assertThat(alice.source()).isEqualTo(Identity.Source.TOKEN);

        SignedJWT es = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k2").build(),
                claims("bob").claim("preferred_username", "bobby").build());
        es.sign(new ECDSASigner(EC));
        Identity bob = verifier.verify(es.serialize());
        assertThat(bob.name()).isEqualTo("bobby");
    }

    @Test
    void aJwksFileIsALocationToo() throws Exception {
        Path file = Files.createTempFile("jwks", ".json");
        Files.writeString(file, new JWKSet(List.of(RSA.toPublicJWK())).toString());
        TokenVerifier verifier = new TokenVerifier(TokenVerifier.keys(Optional.empty(), Optional.of(file.toString())).orElseThrow(),
                new TokenVerifier.Policy(Optional.empty(), Set.of(), 60, TokenVerifier.algorithms(Optional.of("RS256"))));
        assertThat(verifier.verify(rs256(claims("c").build(), RSA)).subject()).isEqualTo("c");
        Files.delete(file);
    }

    @Test
    void whatMustNotBeTrustedIsRefused() throws Exception {
        TokenVerifier verifier = fromPem();
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("k1").generate();
        assertThatThrownBy(() -> verifier.verify(rs256(claims("x").issuer("other").build(), RSA))).isInstanceOf(TokenVerifier.InvalidToken.class);
        assertThatThrownBy(() -> verifier.verify(rs256(claims("x").audience("other").build(), RSA))).isInstanceOf(TokenVerifier.InvalidToken.class);
        assertThatThrownBy(() -> verifier.verify(rs256(claims("x").expirationTime(Date.from(Instant.now().minusSeconds(120))).build(), RSA)))
                .isInstanceOf(TokenVerifier.InvalidToken.class);
        assertThatThrownBy(() -> verifier.verify(rs256(claims("x").build(), stranger))).isInstanceOf(TokenVerifier.InvalidToken.class);
        assertThatThrownBy(() -> verifier.verify(rs256(new JWTClaimsSet.Builder().issuer("iss").audience("aud")
                .expirationTime(Date.from(Instant.now().plusSeconds(60))).build(), RSA)))
                .as("no subject").isInstanceOf(TokenVerifier.InvalidToken.class);
        assertThatThrownBy(() -> verifier.verify(new PlainJWT(claims("x").build()).serialize()))
                .as("alg none").isInstanceOf(TokenVerifier.InvalidToken.class);
        SignedJWT hs = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims("x").build());
        hs.sign(new MACSigner(new byte[32]));
        assertThatThrownBy(() -> verifier.verify(hs.serialize())).as("HS256").isInstanceOf(TokenVerifier.InvalidToken.class);
        assertThatThrownBy(() -> verifier.verify("x".repeat(TokenVerifier.MAX_TOKEN_CHARS + 1))).isInstanceOf(TokenVerifier.InvalidToken.class);
        assertThatThrownBy(() -> verifier.verify("garbage")).isInstanceOf(TokenVerifier.InvalidToken.class);
    }

    @Test
    void anExpiredTokenWithinTheClockSkewStillVerifies() throws Exception {
        assertThat(fromPem().verify(rs256(claims("late").expirationTime(Date.from(Instant.now().minusSeconds(20))).build(), RSA))
                .subject()).isEqualTo("late");
    }

    @Test
    void theDemoIssuersTokensVerifyWithItsOwnKeyOnly() throws Exception {
        DemoIssuer demo = new DemoIssuer(300, 60);
        String token = demo.issue("dana", List.of("switchboard-admin"), Instant.now());
        assertThat(demo.verifier().verify(token).groups()).containsExactly("switchboard-admin");
        assertThatThrownBy(() -> fromPem().verify(token)).isInstanceOf(TokenVerifier.InvalidToken.class);
        assertThat(new TokenVerifier(new ImmutableJWKSet<>(new JWKSet(RSA.toPublicJWK())),
                new TokenVerifier.Policy(Optional.empty(), Set.of(), 0, Set.of(JWSAlgorithm.RS256)))
                .verify(rs256(claims("z").build(), RSA)).subject()).isEqualTo("z");
    }
}

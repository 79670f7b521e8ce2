package org.switchboard.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies a bearer JWT (RS256 or ES256) and turns its claims into an {@link Identity}. Configured
 * with the MicroProfile JWT keys ({@code mp.jwt.verify.*}): a PEM public key, a JWK or JWKS, inline or
 * at a location (file, classpath or an http(s) JWKS endpoint, fetched and cached by Nimbus), the
 * issuer, the audiences and the clock skew. Built once at start; thread-safe.
 */
public final class TokenVerifier {

    /** A token longer than this is refused unread. */
    public static final int MAX_TOKEN_CHARS = 16 * 1024;

    /** Why a token was refused; its message never contains the token. */
    public static final class InvalidToken extends Exception {
        public InvalidToken(String message) {
            super(message, null, false, false);
        }
    }

    /** What the verifier checks besides the signature. */
    public record Policy(Optional<String> issuer, Set<String> audiences, int clockSkewS, Set<JWSAlgorithm> algorithms) {
    }

    private final DefaultJWTProcessor<SecurityContext> processor;

    public TokenVerifier(JWKSource<SecurityContext> keys, Policy policy) {
        processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector((header, context) -> select(keys, policy.algorithms(), header));
        JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
        policy.issuer().ifPresent(exact::issuer);
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                policy.audiences().isEmpty() ? null : policy.audiences(), exact.build(), Set.of("sub", "exp"), null);
        claims.setMaxClockSkew(policy.clockSkewS());
        processor.setJWTClaimsSetVerifier(claims);
    }

    /**
     * The keys that may have signed a token: of the header's algorithm (if allowed), with the header's
     * {@code kid} or none. Nimbus' own selector matches {@code kid} strictly, so a PEM key (which has no
     * id) would never verify a token that names its key, as most issuers' tokens do.
     */
    private static List<Key> select(JWKSource<SecurityContext> keys, Set<JWSAlgorithm> allowed,
                                                  JWSHeader header) throws KeySourceException {
        JWSAlgorithm alg = header.getAlgorithm();
        if (!allowed.contains(alg)) {
            return List.of();
        }
        JWKMatcher matcher = new JWKMatcher.Builder()
                .keyType(KeyType.forAlgorithm(alg))
                .keyUses(KeyUse.SIGNATURE, null)
                .algorithms(alg, null)
                .build();
        String kid = header.getKeyID();
        List<Key> selected = new ArrayList<>();
        for (JWK jwk : keys.get(new JWKSelector(matcher), null)) {
            if (kid != null && jwk.getKeyID() != null && !kid.equals(jwk.getKeyID())) {
                continue;
            }
            try {
                if (jwk instanceof RSAKey rsa) {
                    selected.add(rsa.toRSAPublicKey());
                } else if (jwk instanceof ECKey ec && Curve.forJWSAlgorithm(alg).contains(ec.getCurve())) {
                    selected.add(ec.toECPublicKey());
                }
            } catch (JOSEException e) {
                // a key that cannot be converted cannot have signed it
            }
        }
        return selected;
    }

    /** The identity a valid token proves. */
    public Identity verify(String token) throws InvalidToken {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
            throw new InvalidToken("the token is empty or longer than " + MAX_TOKEN_CHARS + " characters");
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            throw new InvalidToken("the token is not a JWT");
        } catch (BadJOSEException e) {
            throw new InvalidToken("the token was refused: " + e.getMessage());
        } catch (JOSEException e) {
            throw new InvalidToken("the token could not be verified");
        }
        return identity(claims);
    }

    static Identity identity(JWTClaimsSet claims) {
        Map<String, String> strings = new HashMap<>();
        claims.getClaims().forEach((k, v) -> {
            if (v instanceof String s) {
                strings.put(k, s);
            }
        });
        Set<String> groups = new HashSet<>();
        Object rawGroups = claims.getClaim("groups");
        if (rawGroups instanceof List<?> list) {
            list.stream().filter(String.class::isInstance).map(String.class::cast).forEach(groups::add);
        } else if (rawGroups instanceof String one) {
            groups.add(one);
        }
        String subject = claims.getSubject();
        String name = DisplayNames.fromClaims(strings.get("name"), strings.get("preferred_username"), strings.get("upn"), subject);
        Instant expires = claims.getExpirationTime().toInstant();
        return new Identity(subject, name, groups, strings, expires, Identity.Source.TOKEN);
    }

    /** The key source the {@code mp.jwt.verify.publickey*} keys describe; empty when neither is set. */
    public static Optional<JWKSource<SecurityContext>> keys(Optional<String> inline, Optional<String> location) throws IOException {
        if (inline.isPresent()) {
            return Optional.of(new ImmutableJWKSet<>(parseKeys(inline.get())));
        }
        if (location.isEmpty()) {
            return Optional.empty();
        }
        String where = location.get().strip();
        if (where.startsWith("http://") || where.startsWith("https://")) {
            return Optional.of(JWKSourceBuilder.create(URI.create(where).toURL()).build());
        }
        String text;
        if (where.startsWith("classpath:")) {
            try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(
                    where.substring("classpath:".length()).replaceFirst("^/", ""))) {
                if (in == null) {
                    throw new IOException("no resource " + where);
                }
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } else if (where.startsWith("file:")) {
            try (InputStream in = new URL(where).openStream()) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } else {
            text = Files.readString(Path.of(where));
        }
        return Optional.of(new ImmutableJWKSet<>(parseKeys(text)));
    }

    /** One PEM public key (RSA or EC), several concatenated, a JWK or a JWKS. */
    static JWKSet parseKeys(String text) throws IOException {
        String trimmed = text.strip();
        try {
            if (trimmed.startsWith("{")) {
                return trimmed.contains("\"keys\"") ? JWKSet.parse(trimmed) : new JWKSet(JWK.parse(trimmed));
            }
            List<JWK> keys = new ArrayList<>();
            String[] blocks = trimmed.split("-----END PUBLIC KEY-----");
            for (String block : blocks) {
                int begin = block.indexOf("-----BEGIN PUBLIC KEY-----");
                if (begin < 0) {
                    continue;
                }
                String body = block.substring(begin + "-----BEGIN PUBLIC KEY-----".length()).replaceAll("\\s", "");
                keys.add(jwk(Base64.getDecoder().decode(body)));
            }
            if (keys.isEmpty()) {
                keys.add(jwk(Base64.getDecoder().decode(trimmed.replaceAll("\\s", ""))));
            }
            return new JWKSet(keys);
        } catch (ParseException | IllegalArgumentException | java.security.GeneralSecurityException e) {
            throw new IOException("not a PEM public key, JWK or JWKS: " + e.getMessage(), e);
        }
    }

    private static JWK jwk(byte[] der) throws java.security.GeneralSecurityException {
        X509EncodedKeySpec spec = new X509EncodedKeySpec(der);
        PublicKey key;
        try {
            key = KeyFactory.getInstance("RSA").generatePublic(spec);
        } catch (java.security.spec.InvalidKeySpecException notRsa) {
            key = KeyFactory.getInstance("EC").generatePublic(spec);
        }
        if (key instanceof RSAPublicKey rsa) {
            return new RSAKey.Builder(rsa).build();
        }
        ECPublicKey ec = (ECPublicKey) key;
        return new ECKey.Builder(Curve.forECParameterSpec(ec.getParams()), ec).build();
    }

    /** RS256 and ES256, or only the one {@code mp.jwt.verify.publickey.algorithm} names. */
    public static Set<JWSAlgorithm> algorithms(Optional<String> configured) {
        return configured.map(a -> Set.of(JWSAlgorithm.parse(a.strip()))).orElse(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256));
    }
}

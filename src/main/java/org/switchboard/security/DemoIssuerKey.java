package org.switchboard.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.Base64;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo issuer's EC P-256 key pair: made in memory, or read from the file
 * {@code switchboard.security.demo-issuer-key-file} names, so that the demo's tokens outlive a
 * restart or redeploy and every member of a cluster that reads the same file accepts them.
 *
 * <p>The file holds either a private JWK (JSON with {@code d}, {@code x}, {@code y}) or PEM: a
 * PKCS#8 {@code PRIVATE KEY} block and its {@code PUBLIC KEY} block, as
 * {@code openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256} followed by
 * {@code openssl pkey -pubout} write them (server-config/lib.sh, {@code sb_demo_issuer_key}). The
 * key id is the public key's thumbprint: the same file gives the same {@code kid} everywhere.
 */
public final class DemoIssuerKey {

    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]+)-----END \\1-----");

    private DemoIssuerKey() {
    }

    /** A new key pair that lives as long as this object (the default). */
    public static ECKey generate() {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID("demo-" + UUID.randomUUID()).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot make the demo issuer's key", e);
        }
    }

    /** The key pair in {@code file}; fails naming the file if it is unreadable, not P-256, or not a matching pair. */
    public static ECKey load(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file).strip();
        } catch (IOException e) {
            throw new IOException("cannot read the demo issuer key file " + file + ": " + e, e);
        }
        ECKey key;
        try {
            key = text.startsWith("{") ? fromJwk(text) : fromPem(text);
            if (!Curve.P_256.equals(key.getCurve())) {
                throw new IOException("the key is on " + key.getCurve() + ", not P-256");
            }
            checkPair(key);
            return new ECKey.Builder(key).keyID("demo-" + key.computeThumbprint()).build();
        } catch (IOException | JOSEException | ParseException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("the demo issuer key file " + file + " holds no usable EC P-256 private key: "
                    + e.getMessage(), e);
        }
    }

    private static ECKey fromJwk(String text) throws ParseException, IOException {
        if (!(JWK.parse(text) instanceof ECKey ec) || !ec.isPrivate()) {
            throw new IOException("the JWK is not a private EC key");
        }
        return ec;
    }

    private static ECKey fromPem(String text) throws IOException, GeneralSecurityException {
        byte[] privateDer = null;
        byte[] publicDer = null;
        Matcher block = PEM.matcher(text);
        while (block.find()) {
            byte[] der = Base64.getMimeDecoder().decode(block.group(2));
            switch (block.group(1)) {
                case "PRIVATE KEY" -> privateDer = der;
                case "PUBLIC KEY" -> publicDer = der;
                case "EC PRIVATE KEY" -> throw new IOException("a SEC1 'EC PRIVATE KEY' block: convert it with "
                        + "openssl pkcs8 -topk8 -nocrypt (PKCS#8 'PRIVATE KEY') and add 'openssl pkey -pubout'");
                default -> {
                    // certificates, parameters: not needed
                }
            }
        }
        if (privateDer == null || publicDer == null) {
            throw new IOException("PEM needs a 'PRIVATE KEY' (PKCS#8) and a 'PUBLIC KEY' block");
        }
        KeyFactory ec = KeyFactory.getInstance("EC");
        ECPrivateKey privateKey = (ECPrivateKey) ec.generatePrivate(new PKCS8EncodedKeySpec(privateDer));
        ECPublicKey publicKey = (ECPublicKey) ec.generatePublic(new X509EncodedKeySpec(publicDer));
        return new ECKey.Builder(Curve.forECParameterSpec(publicKey.getParams()), publicKey).privateKey(privateKey).build();
    }

    /** Signs and verifies a probe: a public key that does not belong to the private one would sign tokens nobody accepts. */
    private static void checkPair(ECKey key) throws JOSEException, IOException {
        JWSObject probe = new JWSObject(new JWSHeader(JWSAlgorithm.ES256), new Payload("demo issuer key check"));
        probe.sign(new ECDSASigner(key));
        if (!probe.verify(new ECDSAVerifier(key.toPublicJWK()))) {
            throw new IOException("the public key does not belong to the private key");
        }
    }
}

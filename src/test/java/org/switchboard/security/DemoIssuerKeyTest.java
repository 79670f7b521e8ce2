package org.switchboard.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo issuer's key read from a file: two issuers made from one file (a restarted hub, another
 * member) accept each other's tokens; bad files fail with the file's name.
 */
class DemoIssuerKeyTest {

    @TempDir
    Path dir;

    @Test
    void twoIssuersFromOnePemFileAcceptEachOthersTokens() throws Exception {
        Path file = write("key.pem", pem(pair("secp256r1"), true, true));
        DemoIssuer before = new DemoIssuer(DemoIssuerKey.load(file), 300, 60);
        DemoIssuer after = new DemoIssuer(DemoIssuerKey.load(file), 300, 60);

        String token = before.issue("alice", List.of("switchboard-user"), Instant.now());
        assertThat(after.verifier().verify(token).subject()).isEqualTo("alice");
        String kid = com.nimbusds.jwt.SignedJWT.parse(token).getHeader().getKeyID();
        assertThat(after.signed(kid)).as("the same key id from the same file").isTrue();
        assertThat(kid).startsWith("demo-");
    }

    /** server-config/lib.sh's sb_demo_issuer_key, as the domain scripts call it (needs bash and openssl). */
    @Test
    void theFileTheDomainScriptsMakeLoadsAndIsTheOwnersOnly() throws Exception {
        Path file = dir.resolve("demo-issuer-key.pem");
        makeWithScript(file);
        assertThat(Files.getPosixFilePermissions(file)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE);
        String kid = DemoIssuerKey.load(file).getKeyID();
        makeWithScript(file);
        assertThat(DemoIssuerKey.load(file).getKeyID()).as("an existing file is kept").isEqualTo(kid);
    }

    private static void makeWithScript(Path file) throws Exception {
        Process bash = new ProcessBuilder("bash", "-c", "source server-config/lib.sh && sb_demo_issuer_key \"$1\"", "bash",
                file.toString()).redirectErrorStream(true).start();
        String output = new String(bash.getInputStream().readAllBytes());
        assertThat(bash.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(bash.exitValue()).as(output).isZero();
    }

    @Test
    void aKeyMadeInMemoryIsNotAcceptedByAnotherIssuer() throws Exception {
        String token = new DemoIssuer(300, 60).issue("alice", List.of(), Instant.now());
        DemoIssuer other = new DemoIssuer(300, 60);
        assertThatThrownBy(() -> other.verifier().verify(token)).isInstanceOf(TokenVerifier.InvalidToken.class);
    }

    @Test
    void aPrivateJwkFileWorksToo() throws Exception {
        ECKey jwk = new ECKeyGenerator(Curve.P_256).generate();
        ECKey loaded = DemoIssuerKey.load(write("key.jwk", jwk.toJSONString()));
        assertThat(loaded.toPublicJWK().computeThumbprint()).isEqualTo(jwk.computeThumbprint());
        assertThat(loaded.isPrivate()).isTrue();
        String token = new DemoIssuer(loaded, 300, 60).issue("bob", List.of(), Instant.now());
        assertThat(new DemoIssuer(DemoIssuerKey.load(dir.resolve("key.jwk")), 300, 60).verifier().verify(token).subject())
                .isEqualTo("bob");
    }

    @Test
    void unusableFilesFailNamingTheFile() throws Exception {
        Path missing = dir.resolve("missing.pem");
        assertThatThrownBy(() -> DemoIssuerKey.load(missing)).isInstanceOf(IOException.class).hasMessageContaining(missing.toString());

        Path publicOnly = write("public.pem", pem(pair("secp256r1"), false, true));
        assertThatThrownBy(() -> DemoIssuerKey.load(publicOnly)).hasMessageContaining(publicOnly.toString())
                .hasMessageContaining("PRIVATE KEY");

        KeyPair one = pair("secp256r1");
        KeyPair two = pair("secp256r1");
        Path mismatched = write("mismatched.pem", pem(one, true, false) + pem(two, false, true));
        assertThatThrownBy(() -> DemoIssuerKey.load(mismatched)).hasMessageContaining("does not belong");

        Path p384 = write("p384.pem", pem(pair("secp384r1"), true, true));
        assertThatThrownBy(() -> DemoIssuerKey.load(p384)).hasMessageContaining("not P-256");

        Path publicJwk = write("public.jwk", new ECKeyGenerator(Curve.P_256).generate().toPublicJWK().toJSONString());
        assertThatThrownBy(() -> DemoIssuerKey.load(publicJwk)).hasMessageContaining("not a private EC key");

        Path sec1 = write("sec1.pem", "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n");
        assertThatThrownBy(() -> DemoIssuerKey.load(sec1)).hasMessageContaining("openssl pkcs8");
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private static KeyPair pair(String curve) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(curve));
        return generator.generateKeyPair();
    }

    /** PKCS#8 private and X.509 public blocks, as openssl genpkey and openssl pkey -pubout write them. */
    private static String pem(KeyPair pair, boolean withPrivate, boolean withPublic) {
        Base64.Encoder b64 = Base64.getMimeEncoder(64, "\n".getBytes());
        StringBuilder out = new StringBuilder();
        if (withPrivate) {
            out.append("-----BEGIN PRIVATE KEY-----\n").append(b64.encodeToString(pair.getPrivate().getEncoded()))
                    .append("\n-----END PRIVATE KEY-----\n");
        }
        if (withPublic) {
            out.append("-----BEGIN PUBLIC KEY-----\n").append(b64.encodeToString(pair.getPublic().getEncoded()))
                    .append("\n-----END PUBLIC KEY-----\n");
        }
        return out.toString();
    }
}

package io.heroncp.support;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;

/**
 * An identity provider's keys for tests: an RSA key whose public JWKS a JDK HttpServer on 127.0.0.1
 * serves at {@code /jwks}, and a second key it does not publish (a forger's).
 */
public final class TestJwks {

  public static final String AUDIENCE = "heron-controlplane";

  private final RSAKey key;
  private final RSAKey otherKey;
  private final HttpServer server;

  private TestJwks() {
    try {
      key = new RSAKeyGenerator(2048).keyID("test-key").generate();
      otherKey = new RSAKeyGenerator(2048).keyID("test-key").generate();
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (JOSEException | IOException e) {
      throw new IllegalStateException(e);
    }
    byte[] jwks = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
    server.createContext(
        "/jwks",
        exchange -> {
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, jwks.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(jwks);
          }
        });
    server.start();
  }

  private static TestJwks instance;

  public static synchronized TestJwks get() {
    if (instance == null) {
      instance = new TestJwks();
    }
    return instance;
  }

  public String jwkSetUri() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks";
  }

  /**
   * A JWT for {@code subject} signed with the published key; {@code claims} may change the
   * defaults.
   */
  public String sign(String subject, UnaryOperator<JWTClaimsSet.Builder> claims) {
    return sign(key, subject, claims);
  }

  /** The same JWT signed with a key the JWKS does not hold. */
  public String forge(String subject, UnaryOperator<JWTClaimsSet.Builder> claims) {
    return sign(otherKey, subject, claims);
  }

  private static String sign(
      RSAKey signer, String subject, UnaryOperator<JWTClaimsSet.Builder> claims) {
    java.util.Date now = new java.util.Date();
    JWTClaimsSet.Builder builder =
        new JWTClaimsSet.Builder()
            .subject(subject)
            .audience(AUDIENCE)
            .issueTime(now)
            .expirationTime(new java.util.Date(now.getTime() + 600_000));
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signer.getKeyID()).build(),
            claims.apply(builder).build());
    try {
      jwt.sign(new RSASSASigner(signer));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }
}

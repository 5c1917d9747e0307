package io.c2c.relay.auth;

import io.c2c.relay.protocol.MessageIntegrity;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * TURN REST API credentials as coturn's {@code use-auth-secret} understands them: the username is
 * {@code <expiry-unix-seconds>:<site>:<peer>} (or {@code <expiry>:<user>}), the password is
 * base64(HMAC-SHA1(secret, username)). Several secrets are accepted at once so they can rotate.
 */
public final class TurnRestCredentials {

    /** The parts of a REST API username. */
    public record User(long expiresAtSeconds, String site, String peer) {
    }

    private final List<String> secrets;
    private final String realm;

    public TurnRestCredentials(List<String> secrets, String realm) {
        if (secrets.isEmpty() || secrets.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("at least one non-blank TURN secret is required");
        }
        this.secrets = List.copyOf(secrets);
        this.realm = realm;
    }

    public String realm() {
        return realm;
    }

    /** The username for a peer of a site, valid until {@code expiresAtSeconds}. */
    public static String username(long expiresAtSeconds, String site, String peer) {
        return expiresAtSeconds + ":" + site + ":" + peer;
    }

    /** The password the first (current) secret gives for {@code username}. */
    public String password(String username) {
        return password(secrets.get(0), username);
    }

    public static String password(String secret, String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 unavailable", e);
        }
    }

    /**
     * Parses a username; null when it is not of the REST form (no numeric expiry, empty parts).
     * The site defaults to the whole remainder when there is no peer part.
     */
    public static User parse(String username) {
        int colon = username.indexOf(':');
        if (colon <= 0 || colon == username.length() - 1) {
            return null;
        }
        long expiry;
        try {
            expiry = Long.parseLong(username.substring(0, colon));
        } catch (NumberFormatException e) {
            return null;
        }
        String rest = username.substring(colon + 1);
        int second = rest.indexOf(':');
        if (second < 0) {
            return new User(expiry, rest, "");
        }
        String site = rest.substring(0, second);
        return site.isEmpty() ? null : new User(expiry, site, rest.substring(second + 1));
    }

    /** The long-term keys MD5(username:realm:password) for every accepted secret, current first. */
    public List<byte[]> candidateKeys(String username) {
        List<byte[]> keys = new ArrayList<>(secrets.size());
        for (String secret : secrets) {
            keys.add(MessageIntegrity.longTermKey(username, realm, password(secret, username)));
        }
        return keys;
    }
}

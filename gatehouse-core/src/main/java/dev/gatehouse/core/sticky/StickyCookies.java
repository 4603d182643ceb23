package dev.gatehouse.core.sticky;

import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.time.WallClock;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Issues and checks sticky-session cookies. A cookie value is {@code TOKEN.EXPIRY.MAC}: TOKEN
 * names the backend without revealing its address (an HMAC of its id), EXPIRY is in epoch seconds
 * (base 36), MAC is an HMAC-SHA256 of the two, truncated to 128 bits. Anything that does not
 * verify (forged, expired, malformed, or naming a backend that is gone) is treated as no cookie at
 * all: never an error. A value verifies only as it was issued, byte for byte. Thread-safe.
 */
public final class StickyCookies {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final int MAX_VALUE_LENGTH = 128;

    private final SecretKeySpec key;
    private final String name;
    private final long ttlSeconds;
    private final WallClock clock;
    private final Map<String, String> tokens = new ConcurrentHashMap<>();

    private StickyCookies(byte[] secret, String name, Duration ttl, WallClock clock) {
        this.key = new SecretKeySpec(secret, "HmacSHA256");
        this.name = name;
        this.ttlSeconds = Math.max(1, ttl.toSeconds());
        this.clock = clock;
    }

    /**
     * @param secret the HMAC key text, or {@code null} for a random key made now (cookies then
     *               bind only to this process)
     * @param name   the cookie's name
     * @param ttl    how long a cookie binds
     * @param clock  calendar time for expiry
     */
    public static StickyCookies create(String secret, String name, Duration ttl, WallClock clock) {
        byte[] key;
        if (secret != null) {
            key = secret.getBytes(StandardCharsets.UTF_8);
        } else {
            key = new byte[32];
            new SecureRandom().nextBytes(key);
        }
        return new StickyCookies(key, name, ttl, clock);
    }

    /** The cookie's name. */
    public String name() {
        return name;
    }

    /**
     * The member a cookie value binds to, if it verifies and that member is among {@code members}.
     *
     * @param value   the cookie's value, or {@code null}
     * @param members the pool's members that may take requests now
     * @return the member, or {@code null}
     */
    public Member find(String value, List<Member> members) {
        if (value == null || value.isEmpty() || value.length() > MAX_VALUE_LENGTH) {
            return null;
        }
        int first = value.indexOf('.');
        int second = first < 0 ? -1 : value.indexOf('.', first + 1);
        if (first <= 0 || second <= first + 1 || second == value.length() - 1) {
            return null;
        }
        String signed = value.substring(0, second);
        // The MAC is compared as the text we issue, not decoded first: Base64 decoding ignores the
        // unused low bits of the last character and accepts padding, so decoded bytes would let
        // several spellings of one cookie verify (found by StickyCookieFuzzTest).
        byte[] expected = B64.encodeToString(mac(signed)).getBytes(StandardCharsets.US_ASCII);
        byte[] given = value.substring(second + 1).getBytes(StandardCharsets.ISO_8859_1);
        if (!MessageDigest.isEqual(expected, given)) {
            return null;
        }
        long expiry;
        try {
            expiry = Long.parseLong(value, first + 1, second, 36);
        } catch (NumberFormatException e) {
            return null;
        }
        if (expiry < clock.epochSeconds()) {
            return null;
        }
        String token = value.substring(0, first);
        for (Member m : members) {
            if (token.equals(token(m))) {
                return m;
            }
        }
        return null;
    }

    /** A fresh cookie value binding to {@code member} for the configured time from now. */
    public String issue(Member member) {
        String signed = token(member) + "." + Long.toString(clock.epochSeconds() + ttlSeconds, 36);
        return signed + "." + B64.encodeToString(mac(signed));
    }

    /** The {@code Set-Cookie} header value for a cookie binding to {@code member}. */
    public String setCookieHeader(Member member) {
        return name + "=" + issue(member) + "; Path=/; Max-Age=" + ttlSeconds + "; HttpOnly; SameSite=Lax";
    }

    private String token(Member m) {
        return tokens.computeIfAbsent(m.id(), id -> B64.encodeToString(java.util.Arrays.copyOf(
                hmac(("backend:" + id).getBytes(StandardCharsets.UTF_8)), 9)));
    }

    private byte[] mac(String signed) {
        return java.util.Arrays.copyOf(hmac(signed.getBytes(StandardCharsets.US_ASCII)), 16);
    }

    private byte[] hmac(byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}

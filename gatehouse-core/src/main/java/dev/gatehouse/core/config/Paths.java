package dev.gatehouse.core.config;

import java.util.regex.Pattern;

/** Builds error paths such as {@code pools.web.backends[1].address}. */
final class Paths {

    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_-]+");

    private Paths() {
    }

    /** The path of a map entry; a key that would make the path ambiguous is quoted: {@code pools["a.b"]}. */
    static String child(String path, String key) {
        if (!PLAIN_KEY.matcher(key).matches()) {
            return path + "[" + Values.quote(key) + "]";
        }
        return path.isEmpty() ? key : path + "." + key;
    }

    /**
     * A key as a message lists it: as it is when plain, else quoted and escaped, so that a key
     * holding a line break or a comma cannot split or blur the message.
     */
    static String key(String key) {
        return PLAIN_KEY.matcher(key).matches() ? key : Values.quote(key);
    }

    /** The path of a list element. */
    static String index(String path, int i) {
        return path + "[" + i + "]";
    }
}

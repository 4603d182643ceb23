package dev.gatehouse.postgres.session;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The session state one transaction-mode client has left on its server connection, from the SQL
 * it sent (simple queries and Parse messages alike), and so whether it must stay pinned there.
 *
 * <p>Settings the server reports back (client_encoding, DateStyle, TimeZone, application_name and
 * the others {@link TrackedParameters} lists) do not pin: they are followed per client and set
 * again on each server connection the client gets.
 *
 * <p>State is tracked by name where the SQL names it, so that undoing it unpins: {@code SET x}
 * then {@code RESET x}, {@code LISTEN c} then {@code UNLISTEN c}, {@code DECLARE k ... WITH HOLD}
 * then {@code CLOSE k}, {@code PREPARE p} then {@code DEALLOCATE p}; {@code RESET ALL},
 * {@code UNLISTEN *}, {@code CLOSE ALL}, {@code DEALLOCATE ALL}, {@code pg_advisory_unlock_all()},
 * {@code DISCARD TEMP} and {@code DISCARD ALL} clear their kind. Advisory locks and temporary
 * objects are not counted one by one (a lock call's key is an expression, a try may fail, a table
 * may be dropped in a function): once taken they pin until cleared as above or the client leaves.
 * The errors this makes are all on the safe side: a client stays pinned longer than needed (a
 * {@code SET} in a transaction that rolls back, say), never shorter.
 *
 * <p>Not thread-safe: one per client connection, used on its event loop.
 */
public final class SessionState {

    private static final Set<String> LOCK_FUNCTIONS = Set.of(
            "pg_advisory_lock", "pg_advisory_lock_shared", "pg_try_advisory_lock", "pg_try_advisory_lock_shared");

    private final Set<String> settings = new HashSet<>();
    private final Set<String> channels = new HashSet<>();
    private final Set<String> holdCursors = new HashSet<>();
    private final Set<String> prepared = new HashSet<>();
    private boolean advisoryLock;
    private boolean tempObjects;

    /**
     * Takes the effects of every statement in {@code sql}, in order.
     *
     * @return whether it drops every prepared statement of the server connection
     *     ({@code DISCARD ALL}, {@code DEALLOCATE ALL}): the front door's own are gone then too
     */
    public boolean apply(String sql) {
        // Most queries: no word the rules below act on, so no tokens made.
        return mentionsState(sql) && applyTokens(sql);
    }

    /**
     * The same for a simple Query's text as it came (its readable bytes, in the client's
     * encoding): scanned as bytes, decoded (leniently) and tokenized only when it has a word the
     * rules act on.
     */
    public boolean apply(ByteBuf sql) {
        return mentionsState(sql) && applyTokens(sql.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    private boolean applyTokens(String sql) {
        boolean dropsStatements = false;
        for (List<String> statement : SqlTokens.statements(sql)) {
            dropsStatements |= applyStatement(statement);
        }
        return dropsStatements;
    }

    /**
     * Words the rules of {@link #apply} act on: a statement without any of them (outside strings,
     * or inside: the check is only a filter) leaves no state. {@code CREATE} and {@code SELECT ...
     * INTO} leave state only with {@code TEMP} or {@code TEMPORARY}, so those two stand for them
     * (an {@code INSERT INTO}, an {@code UPDATE ... SET} of every transaction of {@code pgbench -N}:
     * the first is not tokenized, the second is).
     */
    private static final String[][] WORDS_BY_LENGTH = byLength("set", "reset", "discard", "listen", "unlisten",
            "temp", "temporary", "declare", "close", "prepare", "deallocate", "set_config", "pg_advisory_lock",
            "pg_advisory_lock_shared", "pg_try_advisory_lock", "pg_try_advisory_lock_shared", "pg_advisory_unlock_all");

    private final WordScan scan = new WordScan();

    /** Whether {@code sql} has one of the filter's words as a word, in any case (see {@link #apply}). */
    boolean mentionsState(String sql) {
        return scan.in(sql);
    }

    /**
     * Whether the query text {@code sql} (its readable bytes, in the client's encoding) has one
     * of the filter's words: when not, {@link #apply} would leave everything as it is, and the
     * text need not be decoded. A scan without allocation.
     */
    boolean mentionsState(ByteBuf sql) {
        return scan.in(sql);
    }

    private static String[][] byLength(String... words) {
        int longest = 0;
        for (String w : words) {
            longest = Math.max(longest, w.length());
        }
        String[][] out = new String[longest + 1][];
        for (int length = 0; length <= longest; length++) {
            int n = length;
            out[length] = java.util.Arrays.stream(words).filter(w -> w.length() == n).toArray(String[]::new);
        }
        return out;
    }

    /**
     * Finds a word of the filter, one character at a time. A word is a run of ASCII letters,
     * digits, {@code _}, {@code $} and any non-ASCII character, as PostgreSQL's lexer has its
     * identifiers and keywords (it takes every byte from 0x80 as an identifier's): so a keyword
     * run into a non-ASCII letter is no keyword here either. Reused, not thread-safe.
     */
    private static final class WordScan implements ByteProcessor {
        private final byte[] word = new byte[WORDS_BY_LENGTH.length - 1];
        /** Letters of the current word so far; -1 when it can be none of the filter's. */
        private int length;

        boolean in(ByteBuf sql) {
            length = 0;
            return sql.forEachByte(this) >= 0 || endOfWord();
        }

        boolean in(String sql) {
            length = 0;
            for (int i = 0; i < sql.length(); i++) {
                char c = sql.charAt(i);
                if (!process(c < 0x80 ? (byte) c : (byte) 0x80)) {
                    return true;
                }
            }
            return endOfWord();
        }

        /** Takes the next byte; false (stop) when a word of the filter just ended. */
        @Override
        public boolean process(byte value) {
            int b = value & 0xff;
            boolean letter = (b | 0x20) >= 'a' && (b | 0x20) <= 'z';
            if (letter || b >= 0x80 || (b >= '0' && b <= '9') || b == '_' || b == '$') {
                if (length < 0) {
                    return true;   // in a word that can be none of the filter's
                }
                if ((length == 0 && !letter) || b >= 0x80 || length == word.length) {
                    length = -1;   // starts with no letter, has a non-ASCII one, or is too long
                } else {
                    word[length++] = (byte) (letter ? b | 0x20 : b);
                }
                return true;
            }
            return !endOfWord();
        }

        private boolean endOfWord() {
            boolean found = length >= 3 && matches();
            length = 0;
            return found;
        }

        private boolean matches() {
            for (String w : WORDS_BY_LENGTH[length]) {
                int i = 0;
                while (i < length && word[i] == w.charAt(i)) {
                    i++;
                }
                if (i == length) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Whether any state is left: the client must keep its server connection. */
    public boolean pinned() {
        return !settings.isEmpty() || !channels.isEmpty() || !holdCursors.isEmpty() || !prepared.isEmpty()
                || advisoryLock || tempObjects;
    }

    /** The kinds of state left, for the pins-by-reason figures and a rejecting policy's error. */
    public Set<PinReason> reasons() {
        EnumSet<PinReason> reasons = EnumSet.noneOf(PinReason.class);
        if (!settings.isEmpty()) {
            reasons.add(PinReason.SET);
        }
        if (!channels.isEmpty()) {
            reasons.add(PinReason.LISTEN);
        }
        if (advisoryLock) {
            reasons.add(PinReason.ADVISORY_LOCK);
        }
        if (tempObjects) {
            reasons.add(PinReason.TEMP_TABLE);
        }
        if (!holdCursors.isEmpty()) {
            reasons.add(PinReason.HOLD_CURSOR);
        }
        if (!prepared.isEmpty()) {
            reasons.add(PinReason.SQL_PREPARE);
        }
        return reasons;
    }

    /** Forgets all state: the server connection was reset ({@code DISCARD ALL}) or replaced. */
    public void clear() {
        settings.clear();
        channels.clear();
        holdCursors.clear();
        prepared.clear();
        advisoryLock = false;
        tempObjects = false;
    }

    private boolean applyStatement(List<String> t) {
        String first = t.get(0);
        boolean dropsStatements = ("discard".equals(first) && "all".equals(word(t, 1)))
                || ("deallocate".equals(first) && ("all".equals(word(t, 1)) || "all".equals(word(t, 2))));
        switch (first) {
            case "set" -> set(t);
            case "reset" -> reset(t);
            case "discard" -> discard(word(t, 1));
            case "listen" -> channels.add(word(t, 1));
            case "unlisten" -> {
                if ("*".equals(word(t, 1))) {
                    channels.clear();
                } else {
                    channels.remove(word(t, 1));
                }
            }
            case "create" -> {
                if (isTemp(word(t, 1)) || (isScope(word(t, 1)) && isTemp(word(t, 2)))
                        || ("or".equals(word(t, 1)) && "replace".equals(word(t, 2)) && isTemp(word(t, 3)))) {
                    tempObjects = true;
                }
            }
            case "declare" -> {
                if (holds(t)) {
                    holdCursors.add(word(t, 1));
                }
            }
            case "close" -> {
                if ("all".equals(word(t, 1))) {
                    holdCursors.clear();
                } else {
                    holdCursors.remove(word(t, 1));
                }
            }
            case "prepare" -> {
                if (!"transaction".equals(word(t, 1))) {
                    prepared.add(word(t, 1));
                }
            }
            case "deallocate" -> {
                String name = "prepare".equals(word(t, 1)) ? word(t, 2) : word(t, 1);
                if ("all".equals(name)) {
                    prepared.clear();
                } else {
                    prepared.remove(name);
                }
            }
            default -> { }
        }
        scanCalls(t);
        return dropsStatements;
    }

    /** {@code SET}: session-level unless {@code LOCAL}, {@code TRANSACTION} or {@code CONSTRAINTS}. */
    private void set(List<String> t) {
        String second = word(t, 1);
        switch (second) {
            case "local", "transaction", "constraints" -> { }
            case "session" -> {
                String third = word(t, 2);
                if ("authorization".equals(third)) {
                    settings.add("session_authorization");
                } else if ("characteristics".equals(third)) {
                    settings.add("default_transaction_characteristics");
                } else {
                    addSetting(settingName(t, 2));
                }
            }
            default -> addSetting(settingName(t, 1));
        }
    }

    /** A setting the server reports back is followed per client instead (TrackedParameters). */
    private void addSetting(String name) {
        if (!TrackedParameters.tracked(name)) {
            settings.add(name);
        }
    }

    /** {@code RESET name}, {@code RESET ALL}, {@code RESET SESSION AUTHORIZATION}. */
    private void reset(List<String> t) {
        String second = word(t, 1);
        if ("all".equals(second)) {
            settings.clear();
        } else if ("session".equals(second) && "authorization".equals(word(t, 2))) {
            settings.remove("session_authorization");
        } else {
            settings.remove(settingName(t, 1));
        }
    }

    private void discard(String what) {
        switch (what) {
            case "all" -> clear();
            case "temp", "temporary" -> tempObjects = false;
            default -> { }
        }
    }

    /** Calls anywhere in a statement: advisory locks, {@code set_config}, {@code SELECT ... INTO TEMP}. */
    private void scanCalls(List<String> t) {
        for (int i = 0; i < t.size(); i++) {
            String w = t.get(i);
            boolean call = i + 1 < t.size() && "(".equals(t.get(i + 1));
            if (call && LOCK_FUNCTIONS.contains(w)) {
                advisoryLock = true;
            } else if (call && "pg_advisory_unlock_all".equals(w)) {
                advisoryLock = false;
            } else if (call && "set_config".equals(w)) {
                settings.add("set_config()");
            } else if ("into".equals(w) && "select".equals(t.get(0)) && i + 1 < t.size()
                    && (isTemp(t.get(i + 1)) || (isScope(t.get(i + 1)) && i + 2 < t.size() && isTemp(t.get(i + 2))))) {
                tempObjects = true;
            }
        }
    }

    /** The setting's name after {@code SET} or {@code RESET} at index {@code at}, normalized. */
    private static String settingName(List<String> t, int at) {
        String name = word(t, at);
        if ("time".equals(name) && "zone".equals(word(t, at + 1))) {
            return "timezone";
        }
        if ("names".equals(name)) {
            return "client_encoding";
        }
        if ("schema".equals(name)) {
            return "search_path";
        }
        return name;
    }

    /** Whether a {@code DECLARE} says {@code WITH HOLD} (before its {@code FOR}). */
    private static boolean holds(List<String> t) {
        for (int i = 2; i + 1 < t.size() && !"for".equals(t.get(i)); i++) {
            if ("with".equals(t.get(i)) && "hold".equals(t.get(i + 1))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isTemp(String w) {
        return "temp".equals(w) || "temporary".equals(w);
    }

    private static boolean isScope(String w) {
        return "global".equals(w) || "local".equals(w);
    }

    private static String word(List<String> t, int i) {
        return i < t.size() ? t.get(i) : "";
    }
}

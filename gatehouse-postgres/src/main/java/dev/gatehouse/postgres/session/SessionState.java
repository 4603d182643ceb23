package dev.gatehouse.postgres.session;

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
        if (!mentionsState(sql)) {
            return false;   // most queries: no word the rules below act on, so no tokens made
        }
        boolean dropsStatements = false;
        for (List<String> statement : SqlTokens.statements(sql)) {
            dropsStatements |= applyStatement(statement);
        }
        return dropsStatements;
    }

    /**
     * Words that start or end session state in the rules of {@link #apply}: a statement without
     * any of them (outside strings, or inside: the check is only a filter) leaves none.
     */
    private static final Set<String> WORDS = Set.of("set", "reset", "discard", "listen", "unlisten", "create",
            "declare", "close", "prepare", "deallocate", "into", "set_config", "pg_advisory_lock",
            "pg_advisory_lock_shared", "pg_try_advisory_lock", "pg_try_advisory_lock_shared", "pg_advisory_unlock_all");
    private static final int LONGEST_WORD = 27;

    /** Whether {@code sql} has one of {@link #WORDS} as a word, in any case: a scan without allocation for most queries. */
    static boolean mentionsState(String sql) {
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isLetterOrDigit(c) || c == '_' || c == '$') {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_' || sql.charAt(i) == '$')) {
                    i++;
                }
                int length = i - start;
                if (length >= 3 && length <= LONGEST_WORD && Character.isLetter(c) && isWord(sql, start, length)) {
                    return true;
                }
            } else {
                i++;
            }
        }
        return false;
    }

    private static boolean isWord(String sql, int start, int length) {
        for (String w : WORDS) {
            if (w.length() == length && sql.regionMatches(true, start, w, 0, length)) {
                return true;
            }
        }
        return false;
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

package dev.gatehouse.fleet;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.gatehouse.core.fleet.FenceAcks;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The keys of a fleet's cutovers beside its state: {@code <prefix>/acks/<pool>/<cutover>/<node>},
 * one per node that acknowledged a fence; {@code <prefix>/ready/<pool>/<version>/<node>}, how many
 * of a deploy's new backends each node finds healthy; and the heartbeats under {@code <prefix>/nodes/}, whose
 * mod revisions tell a coordinator which members wrote one since its commit. Acknowledgements are
 * separate keys so that nodes acknowledging at once never race on the state's compare-and-swap.
 */
final class EtcdFences {

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private final Client client;
    private final String prefix;
    private final String node;
    private final Duration timeout;

    EtcdFences(Client client, String prefix, String node, Duration timeout) {
        this.client = client;
        this.prefix = prefix;
        this.node = node;
        this.timeout = timeout;
    }

    void acknowledge(String pool, String cutoverId) throws IOException {
        ByteSequence key = bytes(acks(pool) + cutoverId + "/" + node);
        EtcdCalls.await(client.getKVClient().put(key, bytes(node)), timeout, "write " + key);
    }

    FenceAcks read(String pool, String cutoverId) throws IOException {
        Set<String> acked = new HashSet<>();
        if (!cutoverId.isEmpty()) {
            String under = acks(pool) + cutoverId + "/";
            for (KeyValue kv : keys(under)) {
                acked.add(kv.getKey().toString(UTF_8).substring(under.length()));
            }
        }
        Map<String, Long> beats = new HashMap<>();
        long longest = 0;
        String nodes = prefix + "/nodes/";
        for (KeyValue kv : EtcdCalls.await(client.getKVClient().get(bytes(nodes), GetOption.builder().isPrefix(true).build()),
                timeout, "read " + nodes + "*").getKvs()) {
            beats.put(kv.getKey().toString(UTF_8).substring(nodes.length()), kv.getModRevision());
            longest = Math.max(longest, staleAfterMillis(kv));
        }
        return new FenceAcks(acked, beats, Duration.ofMillis(longest));
    }

    /** The {@code stale_after} a heartbeat says, 0 when it does not read. */
    private static long staleAfterMillis(KeyValue kv) {
        try {
            return Math.max(0, JSON.readTree(kv.getValue().getBytes()).path("staleAfterMillis").asLong(0));
        } catch (IOException e) {
            return 0;
        }
    }

    void forget(String pool) throws IOException {
        for (String under : new String[] {acks(pool), readiness(pool)}) {
            EtcdCalls.await(client.getKVClient().delete(bytes(under), DeleteOption.builder().isPrefix(true).build()), timeout,
                    "delete " + under + "*");
        }
    }

    void reportReady(String pool, String version, int healthy) throws IOException {
        ByteSequence key = bytes(readiness(pool) + version + "/" + node);
        EtcdCalls.await(client.getKVClient().put(key, bytes(Integer.toString(healthy))), timeout, "write " + key);
    }

    Map<String, Integer> ready(String pool, String version) throws IOException {
        String under = readiness(pool) + version + "/";
        Map<String, Integer> out = new HashMap<>();
        for (KeyValue kv : EtcdCalls.await(client.getKVClient().get(bytes(under), GetOption.builder().isPrefix(true).build()),
                timeout, "read " + under + "*").getKvs()) {
            try {
                out.put(kv.getKey().toString(UTF_8).substring(under.length()), Integer.parseInt(kv.getValue().toString(UTF_8)));
            } catch (NumberFormatException e) {
                // Not a count: that node is not ready as far as the gate can tell.
                out.put(kv.getKey().toString(UTF_8).substring(under.length()), 0);
            }
        }
        return out;
    }

    private String readiness(String pool) {
        return prefix + "/ready/" + pool + "/";
    }

    private java.util.List<KeyValue> keys(String under) throws IOException {
        return EtcdCalls.await(client.getKVClient().get(bytes(under), GetOption.builder().isPrefix(true).withKeysOnly(true)
                .build()), timeout, "read " + under + "*").getKvs();
    }

    private String acks(String pool) {
        return prefix + "/acks/" + pool + "/";
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, UTF_8);
    }
}

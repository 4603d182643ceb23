package dev.gatehouse.fleet;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.testing.EtcdCluster;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.grpc.stub.StreamObserver;
import io.netty.util.Version;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * jetcd, built on Netty 4.1, runs on the Netty 4.2 the node uses, against a real 3-member etcd
 * cluster: what the fleet needs of it works (reads, compare-and-swap transactions, watches resumed
 * from a revision, leases kept alive), and so does failing over when the leader is killed.
 */
final class JetcdOnNettyIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static EtcdCluster etcd;
    private static Client client;

    @BeforeAll
    static void start() {
        etcd = EtcdCluster.start(3);
        client = Client.builder().endpoints(etcd.endpoints().toArray(String[]::new)).build();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, UTF_8);
    }

    @Test
    void theNettyOnTheClassPath_isTheNodes() {
        assertThat(Version.identify().get("netty-transport").artifactVersion()).isEqualTo("4.2.18.Final");
        assertThat(Version.identify().get("netty-codec-http2").artifactVersion()).isEqualTo("4.2.18.Final");
    }

    @Test
    void aCompareAndSwapOnTheRevision_letsOneOfTwoWritersWin() throws Exception {
        KV kv = client.getKVClient();
        ByteSequence key = bytes("/test/cas");
        kv.put(key, bytes("v1")).get(10, TimeUnit.SECONDS);
        long rev = kv.get(key).get(10, TimeUnit.SECONDS).getKvs().get(0).getModRevision();

        TxnResponse first = casPut(kv, key, rev, "from-a");
        TxnResponse second = casPut(kv, key, rev, "from-b");

        assertThat(first.isSucceeded()).isTrue();
        assertThat(second.isSucceeded()).isFalse();
        GetResponse now = kv.get(key).get(10, TimeUnit.SECONDS);
        assertThat(now.getKvs().get(0).getValue().toString(UTF_8)).isEqualTo("from-a");
        assertThat(now.getKvs().get(0).getModRevision()).isGreaterThan(rev);
    }

    private static TxnResponse casPut(KV kv, ByteSequence key, long rev, String value) throws Exception {
        return kv.txn()
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(rev)))
                .Then(Op.put(key, bytes(value), PutOption.DEFAULT))
                .Else(Op.get(key, GetOption.DEFAULT))
                .commit().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aWatchFromAnOldRevision_seesEveryChangeSinceInOrder() throws Exception {
        KV kv = client.getKVClient();
        ByteSequence key = bytes("/test/watched");
        long start = kv.put(key, bytes("0")).get(10, TimeUnit.SECONDS).getHeader().getRevision();
        for (int i = 1; i <= 5; i++) {
            kv.put(key, bytes(Integer.toString(i))).get(10, TimeUnit.SECONDS);
        }
        List<String> seen = new CopyOnWriteArrayList<>();
        Watch.Listener listener = Watch.listener(r -> {
            for (WatchEvent e : r.getEvents()) {
                seen.add(e.getKeyValue().getValue().toString(UTF_8));
            }
        });
        try (Watch.Watcher w = client.getWatchClient().watch(key, WatchOption.builder().withRevision(start).build(), listener)) {
            await().atMost(WAIT).until(() -> seen.size() == 6);
            kv.put(key, bytes("6")).get(10, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> seen.size() == 7);
        }
        assertThat(seen).containsExactly("0", "1", "2", "3", "4", "5", "6");
    }

    @Test
    void aLeaseKeptAlive_keepsItsKey_andOneLetGoExpires() throws Exception {
        long kept = client.getLeaseClient().grant(1).get(10, TimeUnit.SECONDS).getID();
        long dropped = client.getLeaseClient().grant(1).get(10, TimeUnit.SECONDS).getID();
        KV kv = client.getKVClient();
        kv.put(bytes("/test/kept"), bytes("x"), PutOption.builder().withLeaseId(kept).build()).get(10, TimeUnit.SECONDS);
        kv.put(bytes("/test/dropped"), bytes("x"), PutOption.builder().withLeaseId(dropped).build()).get(10, TimeUnit.SECONDS);
        AtomicInteger renewals = new AtomicInteger();
        try (var keepAlive = client.getLeaseClient().keepAlive(kept, new StreamObserver<LeaseKeepAliveResponse>() {
            @Override
            public void onNext(LeaseKeepAliveResponse value) {
                renewals.incrementAndGet();
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        })) {
            await().atMost(WAIT).until(() -> kv.get(bytes("/test/dropped")).get().getKvs().isEmpty());
            assertThat(renewals.get()).isPositive();
            assertThat(kv.get(bytes("/test/kept")).get(10, TimeUnit.SECONDS).getKvs()).hasSize(1);
        }
    }

    @Test
    void theLeaderKilled_theClientGoesOnWithTheOthers() throws Exception {
        int leader = leaderIndex();
        etcd.kill(leader);
        try {
            KV kv = client.getKVClient();
            // The first calls may fail while the others elect a leader; the client must recover.
            await().atMost(WAIT).ignoreExceptions().until(() ->
                    kv.put(bytes("/test/after-failover"), bytes("ok")).get(2, TimeUnit.SECONDS) != null);
            assertThat(kv.get(bytes("/test/after-failover")).get(10, TimeUnit.SECONDS).getKvs().get(0).getValue().toString(UTF_8))
                    .isEqualTo("ok");
        } finally {
            etcd.restart(leader);
        }
    }

    private static int leaderIndex() throws Exception {
        for (int i = 0; i < etcd.size(); i++) {
            var status = client.getMaintenanceClient().statusMember(etcd.endpoint(i)).get(10, TimeUnit.SECONDS);
            if (status.getLeader() == status.getHeader().getMemberId()) {
                return i;
            }
        }
        throw new AssertionError("no member says it leads");
    }
}

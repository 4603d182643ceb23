package dev.gatehouse.server.discovery;

import dev.gatehouse.core.discovery.DiscoveredName.Target;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AddressedEnvelope;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRecordDecoder;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The DNS questions of discovery and what their answers mean: A and AAAA for a name's addresses,
 * SRV for a service's targets and ports (each target's addresses from the answer's additional
 * section, else asked). Each question goes to the servers in order until one answers (an answer
 * being NOERROR or NXDOMAIN; a timeout, SERVFAIL or REFUSED moves on to the next). The queries run
 * on an event loop; these methods wait for them on the calling thread, which must not be one.
 */
final class DnsQueries {

    /** What a question got. */
    sealed interface Result {
        /** Records: the backends they name and the smallest TTL among them. */
        record Found(List<Target> targets, long ttlSeconds) implements Result {
        }

        /** The name has no such record (NXDOMAIN, or no data). */
        record None(String why) implements Result {
        }

        /** No usable answer (a timeout, SERVFAIL, REFUSED...). */
        record Failed(String why) implements Result {
        }
    }

    private final DnsNameResolver resolver;
    private final List<InetSocketAddress> servers;
    private final long waitMillis;

    /**
     * @param servers    the servers, in the order they are asked
     * @param waitMillis how long to wait for one answer (the resolver's own timeout, and some)
     */
    DnsQueries(DnsNameResolver resolver, List<InetSocketAddress> servers, long waitMillis) {
        this.resolver = resolver;
        this.servers = List.copyOf(servers);
        this.waitMillis = waitMillis;
    }

    /** The question an entry asks, and its answer. */
    Result ask(dev.gatehouse.core.config.DiscoverConfig entry) {
        return entry.kind() == dev.gatehouse.core.config.DiscoverConfig.Kind.SRV ? srv(entry.name())
                : addresses(entry.name(), entry.port());
    }

    /** The A and AAAA records of {@code name}, as backends on {@code port}. */
    Result addresses(String name, int port) {
        // Both must answer: a set with only one family, because the other's query failed, would drop backends.
        Answer first = ask(name, DnsRecordType.A);
        Answer second = first.failed != null ? first : ask(name, DnsRecordType.AAAA);
        if (first.failed != null || second.failed != null) {
            return new Result.Failed(first.failed != null ? first.failed : second.failed);
        }
        List<Target> targets = new ArrayList<>();
        long ttl = Long.MAX_VALUE;
        for (Answer answer : List.of(first, second)) {
            for (Rdata r : answer.records) {
                targets.add(new Target(r.address, port, 0));
                ttl = Math.min(ttl, r.ttl);
            }
        }
        return targets.isEmpty() ? new Result.None(name + ": no A or AAAA record (" + first.code + ")")
                : new Result.Found(targets, ttl);
    }

    /**
     * The SRV records of {@code name}: those of the lowest priority, each target's addresses as
     * backends on the record's port with its weight.
     */
    Result srv(String name) {
        Answer answer = ask(name, DnsRecordType.SRV);
        if (answer.failed != null) {
            return new Result.Failed(answer.failed);
        }
        // The lowest priority whose targets have an address: a higher number is the fallback (RFC 2782).
        java.util.SortedSet<Integer> priorities = new java.util.TreeSet<>();
        answer.records.forEach(r -> priorities.add(r.priority));
        for (int priority : priorities) {
            List<Rdata> group = answer.records.stream().filter(r -> r.priority == priority && !r.target.equals(".")).toList();
            int heaviest = group.stream().mapToInt(r -> r.weight).max().orElse(0);
            List<Target> targets = new ArrayList<>();
            long ttl = Long.MAX_VALUE;
            for (Rdata r : group) {
                // Weights keep their ratios within a backend's 1-1000 (0 counts as 1).
                int weight = Math.max(1, heaviest > 1000 ? (int) Math.round(r.weight * 1000.0 / heaviest) : r.weight);
                ttl = Math.min(ttl, r.ttl);
                List<Rdata> addresses = answer.additional.get(normalize(r.target));
                if (addresses == null) {
                    switch (addresses(r.target, r.port)) {
                        case Result.Failed f -> {
                            return f;
                        }
                        case Result.None n -> {
                            // a target without an address serves nothing; the others do
                        }
                        case Result.Found f -> {
                            f.targets().forEach(t -> targets.add(new Target(t.ip(), r.port, weight)));
                            ttl = Math.min(ttl, f.ttlSeconds());
                        }
                    }
                } else {
                    for (Rdata a : addresses) {
                        targets.add(new Target(a.address, r.port, weight));
                        ttl = Math.min(ttl, a.ttl);
                    }
                }
            }
            if (!targets.isEmpty()) {
                return new Result.Found(targets, ttl);
            }
        }
        return new Result.None(name + ": no SRV record with an addressed target (" + answer.code + ")");
    }

    /** One record's data: an address, or an SRV record. */
    private record Rdata(long ttl, String address, int priority, int weight, int port, String target) {
    }

    /** One answer: its code, its records of the type asked, the additional section's addresses by name; or why none. */
    private record Answer(String code, List<Rdata> records, Map<String, List<Rdata>> additional, String failed) {
    }

    /** Asks each server in turn until one answers; the last failure when none does. */
    private Answer ask(String name, DnsRecordType type) {
        Answer answer = null;
        for (InetSocketAddress server : servers) {
            answer = await(resolver.query(server, new DefaultDnsQuestion(name, type)), name, type);
            if (answer.failed == null || Thread.currentThread().isInterrupted()) {
                return answer;
            }
        }
        return answer != null ? answer : new Answer("", List.of(), Map.of(), name + " " + type.name() + ": no DNS server");
    }

    private Answer await(Future<AddressedEnvelope<DnsResponse, InetSocketAddress>> query, String name, DnsRecordType type) {
        boolean done;
        try {
            done = query.await(waitMillis);
        } catch (InterruptedException e) {
            // The node is stopping: no answer, and the interrupt stays for the caller to see.
            Thread.currentThread().interrupt();
            done = false;
        }
        if (!done) {
            // An answer that came just now would not be released by the cancel, which then fails.
            if (!query.cancel(false) && query.isSuccess()) {
                query.getNow().release();
            }
            return new Answer("", List.of(), Map.of(), name + " " + type.name() + ": no answer within " + waitMillis + " ms");
        }
        if (!query.isSuccess()) {
            return new Answer("", List.of(), Map.of(), name + " " + type.name() + ": " + query.cause());
        }
        AddressedEnvelope<DnsResponse, InetSocketAddress> envelope = query.getNow();
        try {
            DnsResponse response = envelope.content();
            DnsResponseCode code = response.code();
            if (!code.equals(DnsResponseCode.NOERROR) && !code.equals(DnsResponseCode.NXDOMAIN)) {
                return new Answer(code.toString(), List.of(), Map.of(), name + " " + type.name() + ": " + code + " from "
                        + envelope.sender());
            }
            List<Rdata> records = new ArrayList<>();
            for (int i = 0; i < response.count(DnsSection.ANSWER); i++) {
                Rdata r = parse(response.recordAt(DnsSection.ANSWER, i), type);
                if (r != null) {
                    records.add(r);
                }
            }
            Map<String, List<Rdata>> additional = new TreeMap<>();
            if (type == DnsRecordType.SRV) {
                for (int i = 0; i < response.count(DnsSection.ADDITIONAL); i++) {
                    DnsRecord record = response.recordAt(DnsSection.ADDITIONAL, i);
                    Rdata r = parse(record, record.type());
                    if (r != null && r.address != null) {
                        additional.computeIfAbsent(normalize(record.name()), k -> new ArrayList<>()).add(r);
                    }
                }
            }
            records.sort(Comparator.comparing(r -> r.address == null ? r.target + ":" + r.port : r.address));
            return new Answer(code.toString(), records, additional, null);
        } catch (RuntimeException | UnknownHostException e) {
            return new Answer("", List.of(), Map.of(), name + " " + type.name() + ": a malformed answer: " + e.getMessage());
        } finally {
            envelope.release();
        }
    }

    /** A record of the type asked, or null (another type: a CNAME on the way, say). */
    private static Rdata parse(DnsRecord record, DnsRecordType type) throws UnknownHostException {
        if (!(record instanceof DnsRawRecord raw) || !record.type().equals(type)) {
            return null;
        }
        ByteBuf data = raw.content().duplicate();
        if (type.equals(DnsRecordType.A) || type.equals(DnsRecordType.AAAA)) {
            int size = type.equals(DnsRecordType.A) ? 4 : 16;
            if (data.readableBytes() != size) {
                throw new IllegalArgumentException(type.name() + " record of " + data.readableBytes() + " bytes");
            }
            byte[] bytes = new byte[size];
            data.readBytes(bytes);
            // The short form (2001:db8::1), as a declared address is usually written.
            return new Rdata(record.timeToLive(), io.netty.util.NetUtil.toAddressString(InetAddress.getByAddress(bytes)), 0, 0, 0,
                    null);
        }
        if (type.equals(DnsRecordType.SRV)) {
            if (data.readableBytes() < 7) {
                throw new IllegalArgumentException("SRV record of " + data.readableBytes() + " bytes");
            }
            int priority = data.readUnsignedShort();
            int weight = data.readUnsignedShort();
            int port = data.readUnsignedShort();
            // The target may point back into the message (name compression): the record's buffer
            // shares the whole message, so the decoder can follow the pointer.
            String target = DefaultDnsRecordDecoder.decodeName(data);
            if (port == 0 && !target.equals(".")) {
                throw new IllegalArgumentException("SRV record with port 0");
            }
            return new Rdata(record.timeToLive(), null, priority, weight, port, target);
        }
        return null;
    }

    private static String normalize(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n : n + ".";
    }
}

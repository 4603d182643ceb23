package dev.gatehouse.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A DNS server for tests, on UDP {@code 127.0.0.1:<port 0>}: it answers A, AAAA and SRV questions
 * from records the test sets and changes while it runs, NXDOMAIN for a name it has none of, and can
 * stop answering (every query times out) or answer SERVFAIL. Not a resolver: no recursion, no
 * compression, one question per query.
 */
public final class StubDnsServer implements AutoCloseable {

    /** What the server does with a query. */
    public enum Mode {
        /** Answers from its records. */
        ANSWER,
        /** Answers SERVFAIL. */
        SERVFAIL,
        /** Does not answer. */
        SILENT
    }

    /** An SRV record's data. */
    public record Srv(int priority, int weight, int port, String target) {
    }

    /** One name's records: addresses (A or AAAA by their form) and SRV records, with one TTL. */
    private record Records(long ttl, List<String> addresses, List<Srv> srv) {
    }

    private final EventLoopGroup group;
    private final Channel channel;
    private final Map<String, Records> names = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> queries = new ConcurrentHashMap<>();
    private volatile Mode mode = Mode.ANSWER;
    private volatile boolean additional;

    private StubDnsServer(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    /** Starts a server with no records. */
    public static StubDnsServer start() {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        StubDnsServer[] server = new StubDnsServer[1];
        Channel ch = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new ChannelInitializer<DatagramChannel>() {
                    @Override
                    protected void initChannel(DatagramChannel c) {
                        c.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(),
                                new SimpleChannelInboundHandler<DatagramDnsQuery>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) {
                                        server[0].answer(ctx, query);
                                    }
                                });
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
        server[0] = new StubDnsServer(group, ch);
        return server[0];
    }

    /** The port it listens on. */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** Sets a name's address records (IPv4 as A, IPv6 as AAAA); none leaves the name with no data. */
    public void addresses(String name, long ttl, String... addresses) {
        names.put(key(name), new Records(ttl, List.of(addresses), List.of()));
    }

    /** Sets a name's SRV records. */
    public void srv(String name, long ttl, Srv... records) {
        names.put(key(name), new Records(ttl, List.of(), List.of(records)));
    }

    /** Removes a name: NXDOMAIN from now on. */
    public void remove(String name) {
        names.remove(key(name));
    }

    /**
     * Whether an SRV answer carries its targets' A and AAAA records in its additional section
     * from now on, as many servers send them (default: no; the asker then asks for them).
     */
    public void additional(boolean on) {
        this.additional = on;
    }

    /** How it answers from now on. */
    public void mode(Mode mode) {
        this.mode = mode;
    }

    /** How many questions about {@code name} (of any type) it received. */
    public int queries(String name) {
        AtomicInteger n = queries.get(key(name));
        return n == null ? 0 : n.get();
    }

    private static String key(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n : n + ".";
    }

    private void answer(ChannelHandlerContext ctx, DatagramDnsQuery query) {
        DnsQuestion question = query.recordAt(DnsSection.QUESTION);
        queries.computeIfAbsent(key(question.name()), k -> new AtomicInteger()).incrementAndGet();
        if (mode == Mode.SILENT) {
            return;
        }
        DatagramDnsResponse response = new DatagramDnsResponse(query.recipient(), query.sender(), query.id());
        response.setRecursionDesired(query.isRecursionDesired()).setRecursionAvailable(true);
        response.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion(question.name(), question.type()));
        Records records = names.get(key(question.name()));
        if (mode == Mode.SERVFAIL) {
            response.setCode(DnsResponseCode.SERVFAIL);
        } else if (records == null) {
            response.setCode(DnsResponseCode.NXDOMAIN);
        } else {
            try {
                addAnswers(response, question, records);
                if (additional && question.type().equals(DnsRecordType.SRV)) {
                    addAdditional(response, records);
                }
            } catch (UnknownHostException e) {
                response.setCode(DnsResponseCode.SERVFAIL);
            }
        }
        ctx.writeAndFlush(response);
    }

    private static void addAnswers(DatagramDnsResponse response, DnsQuestion question, Records records)
            throws UnknownHostException {
        for (String a : records.addresses()) {
            byte[] bytes = InetAddress.getByName(a).getAddress();
            DnsRecordType type = bytes.length == 4 ? DnsRecordType.A : DnsRecordType.AAAA;
            if (type.equals(question.type())) {
                response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(question.name(), type, records.ttl(),
                        Unpooled.wrappedBuffer(bytes)));
            }
        }
        if (question.type().equals(DnsRecordType.SRV)) {
            for (Srv s : records.srv()) {
                ByteBuf data = Unpooled.buffer();
                data.writeShort(s.priority()).writeShort(s.weight()).writeShort(s.port());
                writeName(data, s.target());
                response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(question.name(), DnsRecordType.SRV,
                        records.ttl(), data));
            }
        }
    }

    /** The targets' addresses in the additional section of an SRV answer. */
    private void addAdditional(DatagramDnsResponse response, Records records) throws UnknownHostException {
        for (Srv s : records.srv()) {
            Records target = names.get(key(s.target()));
            if (target == null) {
                continue;
            }
            for (String a : target.addresses()) {
                byte[] bytes = InetAddress.getByName(a).getAddress();
                response.addRecord(DnsSection.ADDITIONAL, new DefaultDnsRawRecord(key(s.target()),
                        bytes.length == 4 ? DnsRecordType.A : DnsRecordType.AAAA, target.ttl(), Unpooled.wrappedBuffer(bytes)));
            }
        }
    }

    /** A name as DNS labels, uncompressed. */
    private static void writeName(ByteBuf out, String name) {
        if (!name.equals(".")) {
            for (String label : name.replaceAll("\\.$", "").split("\\.")) {
                byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
                out.writeByte(bytes.length).writeBytes(bytes);
            }
        }
        out.writeByte(0);
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}

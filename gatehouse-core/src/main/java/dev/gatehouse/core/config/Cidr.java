package dev.gatehouse.core.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 network such as {@code 10.0.0.0/8} or {@code ::1/128}.
 *
 * @param network the network address bytes (4 or 16), host bits cleared
 * @param bits    the prefix length
 */
public record Cidr(byte[] network, int bits) {

    /** Validates and copies. */
    public Cidr {
        network = network.clone();
        if (network.length != 4 && network.length != 16) {
            throw new IllegalArgumentException("network: " + network.length + " bytes (expected: 4 or 16)");
        }
        if (bits < 0 || bits > network.length * 8) {
            throw new IllegalArgumentException("prefix: /" + bits + " (expected: 0-" + network.length * 8 + ")");
        }
        network = mask(network, bits);
    }

    /**
     * Parses {@code address/bits} or a single address. Only IP literals are accepted, never names.
     *
     * @throws IllegalArgumentException naming what was wrong
     */
    public static Cidr parse(String text) {
        String s = text.trim();
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        if (addr.isEmpty() || !addr.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
            throw new IllegalArgumentException('"' + text + "\" (expected: an IP network such as 10.0.0.0/8 or ::1)");
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(addr).getAddress(); // a literal: no lookup happens
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException('"' + text + "\" (expected: an IP network such as 10.0.0.0/8 or ::1)");
        }
        int bits = bytes.length * 8;
        if (slash >= 0) {
            String b = s.substring(slash + 1);
            if (b.isEmpty() || b.length() > 3 || !b.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException('"' + text + "\" (expected: a prefix length after /)");
            }
            bits = Integer.parseInt(b);
        }
        return new Cidr(bytes, bits);
    }

    /** Whether the address lies in this network; an IPv4-mapped IPv6 address counts as IPv4. */
    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length == 16 && network.length == 4 && isV4Mapped(a)) {
            a = Arrays.copyOfRange(a, 12, 16);
        }
        return a.length == network.length && Arrays.equals(mask(a, bits), network);
    }

    private static boolean isV4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    private static byte[] mask(byte[] bytes, int bits) {
        byte[] out = bytes.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - i * 8));
            out[i] = (byte) (out[i] & (0xff00 >> keep));
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && bits == c.bits && Arrays.equals(network, c.network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + bits;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + bits;
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}

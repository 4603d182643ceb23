package dev.gatehouse.bench.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU counters read from Linux's /proc at one instant: the summed user and system time of some
 * processes (all their threads), and how busy two cores were since boot, whoever used them.
 *
 * @param nanos {@link System#nanoTime()} when read
 * @param processTicks utime + stime of the processes, in clock ticks
 * @param proxyCoreBusy busy jiffies of the proxy's core (user, nice, system, irq, softirq, steal)
 * @param proxyCoreTotal all jiffies of that core (busy plus idle and iowait)
 * @param loadCoreBusy busy jiffies of the load core
 * @param loadCoreTotal all jiffies of the load core
 */
record CpuSample(long nanos, long processTicks, long proxyCoreBusy, long proxyCoreTotal, long loadCoreBusy,
        long loadCoreTotal) {

    /**
     * Reads the counters now.
     *
     * @param pids the processes to sum
     * @param proxyCpu the proxy's core
     * @param loadCpu the load core
     * @return the sample
     * @throws UncheckedIOException when a process is gone or /proc cannot be read
     */
    static CpuSample read(List<Long> pids, int proxyCpu, int loadCpu) {
        try {
            long ticks = 0;
            for (long pid : pids) {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                // The command name may hold spaces and parentheses: fields count from its last ')'.
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime: fields 14 and 15
            }
            List<String> lines = Files.readAllLines(Path.of("/proc/stat"));
            long[] proxy = core(lines, proxyCpu);
            long[] load = core(lines, loadCpu);
            return new CpuSample(System.nanoTime(), ticks, proxy[0], proxy[1], load[0], load[1]);
        } catch (IOException e) {
            throw new UncheckedIOException("reading /proc: " + e.getMessage(), e);
        }
    }

    private static long[] core(List<String> lines, int cpu) {
        String name = "cpu" + cpu;
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f[0].equals(name)) {
                long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3])
                        + Long.parseLong(f[6]) + Long.parseLong(f[7]) + Long.parseLong(f[8]);
                return new long[] {busy, busy + Long.parseLong(f[4]) + Long.parseLong(f[5])};
            }
        }
        throw new UncheckedIOException(new IOException("no " + name + " in /proc/stat"));
    }

    /**
     * The differences from an earlier sample, as the key=value fields of a phase line.
     *
     * @param start the sample at the phase's start
     * @return {@code seconds=S proxy_ticks=T proxy_core=BUSY/TOTAL load_core=BUSY/TOTAL}
     */
    String since(CpuSample start) {
        return String.format("seconds=%.3f proxy_ticks=%d proxy_core=%d/%d load_core=%d/%d",
                (nanos - start.nanos) / 1e9, processTicks - start.processTicks,
                proxyCoreBusy - start.proxyCoreBusy, proxyCoreTotal - start.proxyCoreTotal,
                loadCoreBusy - start.loadCoreBusy, loadCoreTotal - start.loadCoreTotal);
    }
}

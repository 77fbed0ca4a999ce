using System.Globalization;

namespace OdooLatencyProxy.Benchmarks.Hosting;

/// <summary>CPU time, resident memory and other status figures of a process (and its descendants: nginx's workers), read from /proc.</summary>
internal static class ProcessStats
{
    // /proc reports CPU in USER_HZ ticks, which Linux fixes at 100 per second whatever the kernel's own HZ.
    private const double MicrosecondsPerTick = 1_000_000.0 / 100;

    /// <summary>utime + stime of the tree, in microseconds (10 ms resolution).</summary>
    public static double CpuMicroseconds(int pid) => Tree(pid).Sum(p => Stat(p) is { } s ? s.Ticks : 0) * MicrosecondsPerTick;

    /// <summary>Sum of VmRSS over the tree, in bytes (shared pages count once per process, as <c>ps</c> shows them).</summary>
    public static long RssBytes(int pid) => Tree(pid).Sum(Rss);

    private static List<int> Tree(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && Stat(pid) is { } s) parents[pid] = s.Parent;
        }
        var tree = new List<int> { root };
        // Breadth-first over the parent links; the list only grows by processes not yet in it, so this ends.
        for (var i = 0; i < tree.Count; i++)
        {
            tree.AddRange(parents.Where(p => p.Value == tree[i] && !tree.Contains(p.Key)).Select(p => p.Key));
        }
        return tree;
    }

    private static (int Parent, long Ticks)? Stat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null; // gone between listing and reading
        }
        // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        // fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
        return (int.Parse(fields[1], CultureInfo.InvariantCulture),
            long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture));
    }

    /// <summary>The number of a <c>/proc/PID/status</c> line (<c>VmRSS</c> in KiB, <c>Threads</c>), or 0 when the process is gone.</summary>
    public static long StatusValue(int pid, string field)
    {
        try
        {
            var prefix = field + ":";
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line[prefix.Length..].Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>VmRSS of one process, in bytes.</summary>
    public static long Rss(int pid) => StatusValue(pid, "VmRSS") * 1024;
}

namespace OdooLatencyProxy.Benchmarks.Peers;

/// <summary>The Debian programs the peer benchmark runs, found on PATH or in the sbin folders a user's PATH may lack.</summary>
internal static class Tools
{
    private static readonly (string Name, string Package)[] s_required =
        [("nginx", "nginx"), ("haproxy", "haproxy"), ("hey", "hey"), ("wrk", "wrk")];

    public static string Nginx => Find("nginx")!;
    public static string Haproxy => Find("haproxy")!;
    public static string Hey => Find("hey")!;
    public static string Wrk => Find("wrk")!;

    /// <summary>One line per missing program, naming the package that brings it; empty when all are there.</summary>
    public static IEnumerable<string> Missing() => s_required
        .Where(t => Find(t.Name) is null)
        .Select(t => $"peers: '{t.Name}' is not installed (Debian: apt-get install {t.Package})");

    /// <summary>Creates a folder nginx's unprivileged worker user can read (it runs as one when the benchmark runs as root).</summary>
    public static string CreateFolder(string path)
    {
        Directory.CreateDirectory(path);
        if (OperatingSystem.IsLinux()) File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        return path;
    }

    private static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/sbin", "/usr/local/sbin"])
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}

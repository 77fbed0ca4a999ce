using System.Globalization;

namespace OdooLatencyProxy.Benchmarks.Peers;

/// <summary>The peer benchmark's command line, every value bounded so a run always ends.</summary>
internal sealed record PeerSettings
{
    public const string Usage =
        "usage: peers [--rounds N (1-20, default 3)] [--seconds S (1-120, default 5)] [--rate R (req/s, default 2000)]\n" +
        "             [--clients C (paced clients of the fixed-rate run, 1-64, default 16)]\n" +
        "             [--mode close|keep-alive|both (default both)] [--proxy LABEL=PATH/OdooLatencyProxy.dll|PATH/OdooLatencyProxy (native AOT) ...]\n" +
        "             [--memory on (adds B allocated/request, RSS peak and idle 60 s after the load)] [--builds-only on]\n" +
        "             [--floors on (adds floor-transport, floor-kestrel and floor-yarp: what .NET costs without the proxy's own work)]";

    /// <summary>Rounds per upstream mode; each round runs every peer once, in the same order.</summary>
    public int Rounds { get; init; } = 3;

    /// <summary>Length of each fixed-rate run and of each peak run.</summary>
    public int Seconds { get; init; } = 5;

    /// <summary>Offered load of the fixed-rate run, in requests per second over all clients.</summary>
    public double Rate { get; init; } = 2000;

    /// <summary>
    /// Paced clients of the fixed-rate run (<c>hey -c</c>), each sending Rate/Clients requests per second. hey starts them
    /// together, so their requests arrive in bursts of this size: a server that serves one request at a time makes the
    /// later ones of a burst wait, and p50 grows with the count (docs/benchmarks.md, tenth round).
    /// </summary>
    public int Clients { get; init; } = LoadDriver.RateClients;

    public IReadOnlyList<UpstreamMode> Modes { get; init; } = [UpstreamMode.Close, UpstreamMode.KeepAlive];

    /// <summary>Also the proxy builds' bytes allocated per request (their own <c>/metrics</c>), RSS peak and RSS 60 s after the load.</summary>
    public bool Memory { get; init; }

    /// <summary>Only the proxy builds: no direct, nginx or HAProxy rows (comparing two builds).</summary>
    public bool BuildsOnly { get; init; }

    /// <summary>Also the reference servers of <see cref="FloorServer"/>: Kestrel and YARP alone, Kestrel's HTTP layer alone, and a forwarder on Kestrel's transport.</summary>
    public bool Floors { get; init; }

    /// <summary>Builds of the proxy to compare, by label; default: the build beside this benchmark.</summary>
    public IReadOnlyList<(string Label, string Dll)> Proxies { get; init; } = [];

    /// <summary>Reads the arguments after <c>peers</c>; throws <see cref="FormatException"/> naming the bad one.</summary>
    public static PeerSettings Parse(IReadOnlyList<string> args)
    {
        var settings = new PeerSettings();
        var proxies = new List<(string, string)>();
        for (var i = 1; i < args.Count; i += 2)
        {
            var value = i + 1 < args.Count ? args[i + 1] : throw new FormatException($"{args[i]} needs a value");
            settings = args[i] switch
            {
                "--rounds" => settings with { Rounds = Bounded(args[i], value, 1, 20) },
                "--seconds" => settings with { Seconds = Bounded(args[i], value, 1, 120) },
                "--rate" => settings with { Rate = Bounded(args[i], value, 1, 100_000) },
                "--clients" => settings with { Clients = Bounded(args[i], value, 1, 64) },
                "--mode" => settings with { Modes = value switch
                {
                    "close" => [UpstreamMode.Close],
                    "keep-alive" => [UpstreamMode.KeepAlive],
                    "both" => [UpstreamMode.Close, UpstreamMode.KeepAlive],
                    _ => throw new FormatException($"--mode: '{value}' is not close, keep-alive or both"),
                } },
                "--memory" => settings with { Memory = OnOff(args[i], value) },
                "--builds-only" => settings with { BuildsOnly = OnOff(args[i], value) },
                "--floors" => settings with { Floors = OnOff(args[i], value) },
                "--proxy" => settings,
                _ => throw new FormatException($"unknown option '{args[i]}'"),
            };
            if (args[i] == "--proxy") proxies.Add(Proxy(value));
        }
        if (proxies.Count == 0) proxies.Add(("proxy", typeof(OdooLatencyProxy.Hosting.ProxyHost).Assembly.Location));
        var labels = proxies.Select(p => p.Item1).ToList();
        if (labels.Concat(["direct", "nginx", "haproxy", "floor-yarp", "floor-kestrel", "floor-transport"]).Distinct().Count() != labels.Count + 6)
            throw new FormatException("--proxy labels must differ from each other and from direct, nginx, haproxy, floor-yarp, floor-kestrel, floor-transport");
        return settings with { Proxies = proxies };
    }

    private static (string, string) Proxy(string value)
    {
        var equals = value.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0) throw new FormatException($"--proxy: '{value}' is not LABEL=PATH/OdooLatencyProxy.dll or LABEL=PATH/OdooLatencyProxy (native AOT)");
        var dll = Path.GetFullPath(value[(equals + 1)..]);
        return File.Exists(dll) ? (value[..equals], dll) : throw new FormatException($"--proxy: {dll} does not exist");
    }

    private static bool OnOff(string name, string value) => value switch
    {
        "on" => true,
        "off" => false,
        _ => throw new FormatException($"{name}: '{value}' is not on or off"),
    };

    private static int Bounded(string name, string value, int min, int max) =>
        int.TryParse(value, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new FormatException($"{name}: '{value}' is not a whole number from {min} to {max}");
}

namespace OdooLatencyProxy.Configuration;

/// <summary>Settings of the proxy, bound from the <c>Proxy</c> configuration section.</summary>
public sealed record ProxyOptions
{
    /// <summary>Configuration section the options bind from.</summary>
    public const string Section = "Proxy";

    /// <summary>Public listener for Odoo traffic. Default <c>http://0.0.0.0:8080</c>.</summary>
    public string Listen { get; init; } = "http://0.0.0.0:8080";

    /// <summary>Admin listener (health, metrics, status). Default <c>http://127.0.0.1:9090</c>: loopback only.</summary>
    public string AdminListen { get; init; } = "http://127.0.0.1:9090";

    /// <summary>Odoo HTTP worker destinations (<c>URL</c> or <c>URL;workers=N</c>). Default <c>http://127.0.0.1:8069</c>.</summary>
    public IReadOnlyList<UpstreamDestination> Upstreams { get; init; } = [new(new Uri("http://127.0.0.1:8069"))];

    /// <summary>Odoo gevent destinations for <c>/websocket</c> and <c>/longpolling/*</c>. Default <c>http://127.0.0.1:8072</c>.</summary>
    public IReadOnlyList<UpstreamDestination> GeventUpstreams { get; init; } = [new(new Uri("http://127.0.0.1:8072"))];

    /// <summary>Odoo workers per HTTP destination, the admission limit (<c>URL;workers=N</c> overrides it per host). Default 0: not limited, only counted.</summary>
    public int Workers { get; init; }

    /// <summary>Longest admission queue per pool before 503. Default 0: unbounded.</summary>
    public int MaxQueueLength { get; init; }

    /// <summary>Longest wait in the admission queue before 503. Default: none (bounded by <see cref="Timeout"/>).</summary>
    public TimeSpan? MaxQueueWait { get; init; }

    /// <summary>Seconds announced in <c>Retry-After</c> when the queue rejects a request. Default 5.</summary>
    public int RetryAfterSeconds { get; init; } = 5;

    /// <summary>Upstream inactivity timeout, nginx's proxy_read/send_timeout in Odoo's deployment. Default 720 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(720);

    /// <summary>Idle time after which a websocket is closed. Default: <see cref="Timeout"/>; never YARP's 100 s.</summary>
    public TimeSpan? WebSocketIdleTimeout { get; init; }

    /// <summary>Largest request body accepted (413 above). Default 128 MiB, like Odoo 17+.</summary>
    public long MaxRequestBodyBytes { get; init; } = 128L * 1024 * 1024;

    /// <summary>Read the whole request body before taking a worker (nginx proxy_request_buffering). Default true.</summary>
    public bool RequestBuffering { get; init; } = true;

    /// <summary>Drain the upstream response at upstream speed before the client reads it (nginx proxy_buffering). Default true.</summary>
    public bool ResponseBuffering { get; init; } = true;

    /// <summary>Bytes of a buffered body kept in memory before spilling to a temp file. Default 1 MiB.</summary>
    public int BufferMemoryBytes { get; init; } = 1024 * 1024;

    /// <summary>Largest response buffered in a temp file; larger ones stream (nginx proxy_max_temp_file_size). Default 1 GiB.</summary>
    public long MaxResponseBufferBytes { get; init; } = 1024L * 1024 * 1024;

    /// <summary>Folder for buffer temp files, always deleted after use. Default: the system temp folder.</summary>
    public string? TempDirectory { get; init; }

    /// <summary>Add the W3C trace context (<c>traceparent</c>, <c>tracestate</c>) of the proxy's span to every request to Odoo. Default true.</summary>
    public bool PropagateTraceContext { get; init; } = true;

    /// <summary>
    /// Run a request's steps on the thread that read its socket, instead of handing each step to the thread pool
    /// (Kestrel's inline scheduling and .NET's inline socket completions). Default true: with Odoo's one connection per
    /// request, each hand-off was a thread wake-up, the largest cost left (docs/benchmarks.md). Safe because nothing on
    /// the request path blocks a thread; false restores .NET's defaults.
    /// </summary>
    public bool InlineScheduling { get; init; } = true;

    /// <summary>
    /// Threads that wait on sockets (.NET's <c>DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT</c>); with inline scheduling they
    /// run the requests' steps too. Default 1: one thread serves a request's client and Odoo sockets, as an nginx
    /// worker does, where .NET's one per core made two threads wake each other at every step (docs/benchmarks.md,
    /// "One socket thread"). One thread forwards several thousand requests per second, more than Odoo's workers serve.
    /// </summary>
    public int SocketThreads { get; init; } = 1;

    /// <summary>
    /// Send each request to the HTTP workers on a connection of its own, closed after the answer, with the proxy's own
    /// HTTP/1.1 client (<c>PreforkHttpHandler</c>): how Odoo's prefork workers serve anyway, without a connection pool
    /// handing connections between threads. Default true. A destination that answers HTTP/1.1 without
    /// <c>Connection: close</c> (it would keep connections alive) switches to .NET's pooled <c>SocketsHttpHandler</c>
    /// by itself; false uses the pooled one from the start. The gevent port always uses the pooled one.
    /// </summary>
    public bool ConnectionPerRequest { get; init; } = true;

    /// <summary>Interval of the active health probe on <c>/web/health</c>. Default 15 s.</summary>
    public TimeSpan HealthCheckInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Time a health probe may take; generous because probes wait for a free Odoo worker. Default 10 s.</summary>
    public TimeSpan HealthCheckTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Consecutive failed probes that take a destination out. Default 3.</summary>
    public int HealthCheckFailureThreshold { get; init; } = 3;

    /// <summary>Addresses (IP or CIDR) of TLS fronts whose X-Forwarded-Proto/Host are kept. Default none.</summary>
    public IReadOnlyList<string> TrustedProxies { get; init; } = [];

    /// <summary>Networks (IP or CIDR) allowed to reach Odoo's database manager, <c>/web/database/*</c>; every other client gets 403. Default none: closed.</summary>
    public IReadOnlyList<string> AllowDatabaseManager { get; init; } = [];

    /// <summary>Path prefixes answered 403 to every client, e.g. <c>/xmlrpc/2/db</c> (matched like the database manager). Default none.</summary>
    public IReadOnlyList<string> BlockedPaths { get; init; } = [];

    /// <summary>How long shutdown waits for in-flight requests to finish. Default 30 s.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The folder buffer temp files go to.</summary>
    public string EffectiveTempDirectory => string.IsNullOrEmpty(TempDirectory) ? Path.GetTempPath() : TempDirectory;

    /// <summary>The websocket idle timeout in force.</summary>
    public TimeSpan EffectiveWebSocketIdleTimeout => WebSocketIdleTimeout ?? Timeout;

    /// <summary>The admission limit of an HTTP destination: its own <c>;workers=N</c>, else <see cref="Workers"/> (0 = not limited).</summary>
    public int WorkerLimit(UpstreamDestination destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return destination.Workers ?? Workers;
    }
}

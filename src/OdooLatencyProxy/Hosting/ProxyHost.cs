using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using OdooLatencyProxy.AccessLog;
using OdooLatencyProxy.Admission;
using OdooLatencyProxy.Configuration;
using OdooLatencyProxy.Collector;
using OdooLatencyProxy.Odoo.Classification;
using OdooLatencyProxy.Odoo.Metrics;
using OdooLatencyProxy.Forwarding;
using OdooLatencyProxy.RequestPath;
using OdooLatencyProxy.SlowRequests;
using OdooLatencyProxy.Status;
using OdooLatencyProxy.Telemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Transforms;

namespace OdooLatencyProxy.Hosting;

/// <summary>
/// The running proxy: a public host that only forwards to Odoo, and an admin host (its own listener,
/// loopback by default) for health and live numbers, so the public listener can never serve them.
/// </summary>
public sealed class ProxyHost : IAsyncDisposable
{
    private readonly WebApplication _public;
    private readonly WebApplication _admin;

    private ProxyHost(WebApplication publicApp, WebApplication adminApp)
    {
        _public = publicApp;
        _admin = adminApp;
        PublicUri = BoundUri(publicApp);
        AdminUri = BoundUri(adminApp);
    }

    /// <summary>Where Odoo traffic is accepted.</summary>
    public Uri PublicUri { get; }

    /// <summary>Where the admin endpoints are served.</summary>
    public Uri AdminUri { get; }

    /// <summary>The admission pools and their live numbers.</summary>
    public WorkerPools Pools => _public.Services.GetRequiredService<WorkerPools>();

    /// <summary>The proxy's services, for the parts that run beside it.</summary>
    public IServiceProvider Services => _public.Services;

    /// <summary>Builds and starts both listeners; every invalid setting of every section stops it with one <see cref="ConfigurationException"/>.</summary>
    public static Task<ProxyHost> StartAsync(
        ProxyOptions options, IConfiguration? configuration = null, Action<IServiceCollection>? services = null, CancellationToken cancellationToken = default)
    {
        ProxySettings.Validate(options, configuration);
        return StartValidatedAsync(options, configuration, services, cancellationToken);
    }

    /// <summary>Builds and starts both listeners from options <see cref="ProxySettings.Load"/> has already checked.</summary>
    internal static async Task<ProxyHost> StartValidatedAsync(
        ProxyOptions options, IConfiguration? configuration, Action<IServiceCollection>? services, CancellationToken cancellationToken)
    {
        // A port already taken is a setting to change, not a crash: checked before any host starts (a failed start logs a stack trace).
        ThrowIfInUse(ProxyOptions.Section + ":" + nameof(options.Listen), options.Listen);
        ThrowIfInUse(ProxyOptions.Section + ":" + nameof(options.AdminListen), options.AdminListen);
        var topology = new ProxyTopology(options);
        var telemetry = ProxySettings.Telemetry(configuration);
        var publicApp = BuildPublic(options, telemetry, topology, ClassifierLoader.Load(configuration), configuration, services);
        var adminApp = BuildAdmin(options, configuration, publicApp.Services);
        await StartListenerAsync(publicApp, ProxyOptions.Section + ":" + nameof(options.Listen), options.Listen, cancellationToken);
        try
        {
            await StartListenerAsync(adminApp, ProxyOptions.Section + ":" + nameof(options.AdminListen), options.AdminListen, cancellationToken);
        }
        catch
        {
            await publicApp.StopAsync(CancellationToken.None);
            throw;
        }
        return new ProxyHost(publicApp, adminApp);
    }

    private static void ThrowIfInUse(string setting, string url)
    {
        var endpoint = ListenUrl.Endpoint(url);
        if (endpoint.Port == 0) return;
        using var probe = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        // As Kestrel binds: connections of an earlier run in TIME_WAIT do not count, a listening socket does.
        probe.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        try
        {
            probe.Bind(endpoint);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw InUse(setting, url);
        }
    }

    private static ConfigurationException InUse(string setting, string url) =>
        new(setting, $"{ListenUrl.Endpoint(url)} is already in use by another process");

    // The port can still be taken between the check and the bind: the same one line then.
    private static async Task StartListenerAsync(WebApplication app, string setting, string url, CancellationToken cancellationToken)
    {
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            await app.DisposeAsync();
            throw InUse(setting, url);
        }
        catch (OptionsValidationException e)
        {
            await app.DisposeAsync();
            throw new ConfigurationException([.. e.Failures.Select(ConfigurationError.FromFailure)]);
        }
    }

    /// <summary>Stops accepting, drains in-flight requests (up to the drain timeout), then stops.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await _public.StopAsync(cancellationToken);
        await _admin.StopAsync(cancellationToken);
    }

    /// <summary>Waits until the process is asked to stop (Ctrl+C, SIGTERM).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _public.WaitForShutdownAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _admin.DisposeAsync();
        await _public.DisposeAsync();
    }

    private static WebApplication BuildPublic(ProxyOptions options, TelemetryOptions telemetry, ProxyTopology topology, RequestClassifier classifier,
        IConfiguration? configuration, Action<IServiceCollection>? services)
    {
        var builder = CreateBuilder(configuration);
        builder.WebHost.UseShutdownTimeout(options.DrainTimeout);
        if (options.InlineScheduling) builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            Listen(kestrel, options.Listen);
            kestrel.AddServerHeader = false; // Odoo's own Server header passes through.
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            // Slow uploads are buffered, not cut: only a client stalled for a minute is dropped (nginx client_body_timeout).
            kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 1, gracePeriod: TimeSpan.FromSeconds(60));
        });

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(topology);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => new WorkerPools(topology.WorkersPool, sp.GetRequiredService<TimeProvider>(), sp.GetService<IWorkerPoolObserver>()));
        builder.Services.AddSingleton<ForwardedHeaders>();
        builder.Services.AddSingleton(classifier);
        // The request path's stages, in the order ProxyPipeline runs them.
        builder.Services.AddSingleton<RequestNaming>();
        builder.Services.AddSingleton<RequestFraming>();
        builder.Services.AddSingleton<PathProtection>();
        builder.Services.AddSingleton<RequestBuffering>();
        builder.Services.AddSingleton<WorkerAdmission>();
        builder.Services.AddSingleton<UpstreamCall>();
        builder.Services.AddSingleton<WorkerForwarder>();
        builder.Services.AddSingleton<ResponseBuffering>();
        builder.Services.AddSingleton<ExchangeRecording>();
        builder.Services.AddSingleton<ProxyPipeline>();
        builder.Services.AddSingleton<WorkerRoute>();
        AddTelemetry(builder.Services, telemetry);
        AddAccessLogJoin(builder.Services, telemetry, configuration);
        builder.Services.AddReverseProxy()
            .LoadFromMemory(topology.Routes, topology.Clusters)
            .AddTransforms(transforms =>
            {
                var services = transforms.Services;
                transforms.UseDefaultForwarders = false;
                transforms.AddOriginalHost(useOriginal: true);
                transforms.AddRequestTransform(services.GetRequiredService<ForwardedHeaders>().ApplyAsync);
                if (options.PropagateTraceContext) transforms.AddRequestTransform(TraceContext.ApplyAsync);
                if (transforms.Cluster?.ClusterId == ProxyTopology.WorkersCluster)
                {
                    transforms.AddResponseTransform(services.GetRequiredService<ResponseBuffering>().ApplyAsync);
                }
            });

        WithoutKeyRingAtStart(builder.Services);
        builder.Services.AddHostedService<IdleMemoryTrim>();

        // Connections to Odoo, one per request with prefork workers: addresses resolved once, not per connection, and
        // closed off the request path's thread.
        builder.Services.AddSingleton<ConnectionCloser>();
        builder.Services.AddSingleton(sp => new UpstreamConnector(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ConnectionCloser>()));
        builder.Services.AddSingleton<KeepAliveDestinations>();
        // Health probes take a worker like any request (never more than the worker limit at Odoo), and count only when they ran.
        builder.Services.AddSingleton<IForwarderHttpClientFactory, OdooHttpClientFactory>();
        builder.Services.AddSingleton<IProbingRequestFactory, ProbeRequestFactory>();
        builder.Services.AddSingleton<IActiveHealthCheckPolicy, BusyAwareFailuresPolicy>();

        services?.Invoke(builder.Services);

        var app = builder.Build();
        // Created now, not at the first scrape: the meter must exist before the admin host's exporters start.
        _ = app.Services.GetRequiredService<OdooMeter>();
        _ = app.Services.GetService<AccessLogJoin>();
        var pipeline = app.Services.GetRequiredService<ProxyPipeline>();
        // Odoo's HTTP workers first, before routing; only the gevent routes go on to routing and YARP's pipeline.
        app.Use(app.Services.GetRequiredService<WorkerRoute>().InvokeAsync);
        app.UseRouting();
        app.UseAuthorization(); // here, not before the workers' route where WebApplication would add it (YARP registers its services)
        app.MapReverseProxy(proxy =>
        {
            proxy.Use(pipeline.InvokeAsync);
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks(); // then YARP's forwarder: the gevent port (the workers' catch-all route is taken before routing)
        });
        return app;
    }

    private static WebApplication BuildAdmin(ProxyOptions options, IConfiguration? configuration, IServiceProvider proxyServices)
    {
        var builder = CreateBuilder(configuration);
        builder.WebHost.ConfigureKestrel(kestrel => Listen(kestrel, options.AdminListen));
        // One meter for the whole proxy: the collector creates its instruments through the public host's factory,
        // which hands back the same Meter instance OdooMeter holds (AddMetrics below keeps this registration).
        builder.Services.AddSingleton(proxyServices.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        // The database collector lives beside the request path, in the admin host: its failures stay there. It tells the
        // request path's classifier what server actions are called.
        builder.Services.AddSingleton(proxyServices.GetRequiredService<RequestClassifier>());
        // Each pg_stat_activity sample gives the slow requests that ended before it their statements.
        builder.Services.AddSingleton<IActivitySampleListener>(proxyServices.GetRequiredService<SlowRequestLog>());
        // The log's one tail (admin host, with the collector) hands its records to the request path's join too.
        if (proxyServices.GetService<AccessLogJoin>() is { } join) builder.Services.AddSingleton<IOdooLogReader>(join);
        builder.Services.AddOdooCollector(builder.Configuration);
        AddExporters(builder, proxyServices.GetRequiredService<OdooMeter>(), proxyServices.GetRequiredService<TelemetryOptions>());
        var app = builder.Build();
        app.MapCollectorApi();
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapStatusApi(proxyServices);
        app.MapHealthApi(proxyServices);
        DestinationHealthMetrics.Register(proxyServices.GetRequiredService<OdooMeter>(), proxyServices.GetRequiredService<IProxyStateLookup>());
        return app;
    }


    // The request path's side of telemetry, in the public host (the admin host reads it through proxyServices).
    private static void AddTelemetry(IServiceCollection services, TelemetryOptions telemetry)
    {
        services.AddSingleton(telemetry);
        services.AddMetrics();
        services.AddSingleton(sp => new LatencyWindows(sp.GetRequiredService<TimeProvider>(), telemetry.LatencyInterval));
        services.AddSingleton<WorkerSaturation>();
        services.AddSingleton<InFlightRegistry>();
        services.AddSingleton<OdooMeter>();
        services.AddSingleton<SlowRequestLog>();
        // Joined costs of exchanges the log never kept are ignored: registered whatever the settings.
        services.AddSingleton<IOdooCostListener>(sp => sp.GetRequiredService<SlowRequestLog>());
        if (!telemetry.Enabled) return; // Nothing is recorded: the proxy measured without its telemetry.
        services.AddSingleton<IWorkerPoolObserver>(sp => sp.GetRequiredService<WorkerSaturation>());
        services.AddSingleton<IRequestRecorder, TelemetryRecorder>();
        if (telemetry.SlowRequests > 0) services.AddSingleton<IRequestRecorder>(sp => sp.GetRequiredService<SlowRequestLog>());
    }

    // With Odoo's log (--odoo-log), each access line is joined to its exchange and its figures recorded per operation.
    private static void AddAccessLogJoin(IServiceCollection services, TelemetryOptions telemetry, IConfiguration? configuration)
    {
        if (!telemetry.Enabled || string.IsNullOrWhiteSpace(configuration?["Collector:LogPath"])) return;
        services.AddSingleton<CostWindows>();
        services.AddSingleton<IOdooCostListener>(sp => sp.GetRequiredService<CostWindows>());
        services.AddSingleton<AccessLogJoin>();
        services.AddSingleton<IRequestRecorder>(sp => sp.GetRequiredService<AccessLogJoin>());
    }

    // Prometheus /metrics always; OTLP when an endpoint is configured. Only this proxy's meter instance is exported:
    // OTel listens to meters by name process-wide, and other proxies in the same process (tests) use the same name.
    private static void AddExporters(WebApplicationBuilder builder, OdooMeter odooMeter, TelemetryOptions telemetry)
    {
        var meter = odooMeter.Meter;
        var otlp = telemetry.OtlpEndpoint is { Length: > 0 }
            || !string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT"));
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("odoo-latency-proxy", serviceVersion: meter.Version))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(ProjectMeter.Name)
                    .AddView(instrument => instrument.Meter.Name == ProjectMeter.Name && !ReferenceEquals(instrument.Meter, meter)
                        ? MetricStreamConfiguration.Drop
                        : null)
                    .AddRuntimeInstrumentation()
                    .AddProcessInstrumentation()
                    // Fresh numbers on every scrape: the gauges are cheap, and a stale cache confuses people comparing with /status.
                    .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0);
                if (otlp)
                {
                    metrics.AddOtlpExporter(exporter =>
                    {
                        if (telemetry.OtlpEndpoint is { Length: > 0 } endpoint) exporter.Endpoint = new Uri(endpoint);
                        if (telemetry.OtlpProtocol is { Length: > 0 } protocol)
                            exporter.Protocol = protocol == "grpc" ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                    });
                }
            });
    }

    // YARP registers ASP.NET Core data protection for cookie session affinity, which no route here uses. Its hosted
    // service would read (or create and write, under ~/.aspnet) a key ring at start: XML, crypto and OpenSSL loaded and
    // a few MiB held for nothing (docs/benchmarks.md, "Memory after load"). A protector, if ever asked for, still loads
    // the key ring on first use.
    private static void WithoutKeyRingAtStart(IServiceCollection services)
    {
        var dataProtection = typeof(Microsoft.AspNetCore.DataProtection.DataProtectionOptions).Assembly;
        foreach (var eager in services.Where(s => s.ServiceType == typeof(IHostedService) && s.ImplementationType?.Assembly == dataProtection).ToList())
        {
            services.Remove(eager);
        }
    }

    private static WebApplicationBuilder CreateBuilder(IConfiguration? configuration)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(ProxyHost).Assembly.GetName().Name,
            // appsettings.json is read once: nothing reloads it, and watching it meant a recursive file watcher on the
            // working directory per host (every subdirectory; / under systemd), woken by every write below it.
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        if (configuration is not null) builder.Configuration.AddConfiguration(configuration);
        builder.Logging.AddSecretSafeFilters();
        return builder;
    }

    private static void Listen(KestrelServerOptions kestrel, string url)
    {
        kestrel.Listen(ListenUrl.Endpoint(url));
    }

    private static Uri BoundUri(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "[::1]", StringComparison.Ordinal));
    }
}

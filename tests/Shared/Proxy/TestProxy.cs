using OdooLatencyProxy.Configuration;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OdooLatencyProxy.Hosting;
using OdooLatencyProxy.RequestPath;

namespace OdooLatencyProxy.Tests.Infrastructure;

/// <summary>Starts the real proxy on ephemeral loopback ports.</summary>
public static class TestProxy
{
    /// <summary>Options for a proxy in front of <paramref name="upstream"/>, on ephemeral loopback ports.</summary>
    public static ProxyOptions Options(Uri upstream, Uri? gevent = null, int workers = 0) => new()
    {
        Listen = "http://127.0.0.1:0",
        AdminListen = "http://127.0.0.1:0",
        Upstreams = [new(upstream)],
        GeventUpstreams = [new(gevent ?? upstream)],
        Workers = workers,
    };

    public static Task<ProxyHost> StartAsync(ProxyOptions options, RecordingRecorder? recorder = null) =>
        ProxyHost.StartAsync(options, services: recorder is null ? null : s => s.AddSingleton<IRequestRecorder>(recorder));

    /// <summary>An HttpClient for the proxy that never pools connections away from the test's intent.</summary>
    public static HttpClient Client(ProxyHost proxy, TimeSpan? timeout = null) => new(new SocketsHttpHandler { AutomaticDecompression = System.Net.DecompressionMethods.None, UseCookies = false })
    {
        BaseAddress = proxy.PublicUri,
        Timeout = timeout ?? TimeSpan.FromSeconds(60),
    };
}

/// <summary>Keeps every exchange the proxy hands to its recorders, with the request's X-Test-Id.</summary>
public sealed class RecordingRecorder : IRequestRecorder
{
    private int _started;

    public ConcurrentQueue<(string TestId, int Status, ProxyExchange Record)> Records { get; } = new();

    /// <summary>Requests the proxy has started handling (their headers were read).</summary>
    public int StartedCount => Volatile.Read(ref _started);

    void IRequestRecorder.Started(HttpContext context, ProxyExchange exchange) => Interlocked.Increment(ref _started);

    public void Record(HttpContext context, ProxyExchange exchange) =>
        Records.Enqueue((context.Request.Headers["X-Test-Id"].ToString(), context.Response.StatusCode, exchange));
}

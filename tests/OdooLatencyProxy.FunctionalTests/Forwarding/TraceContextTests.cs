using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using OdooLatencyProxy.Tests.Infrastructure;

namespace OdooLatencyProxy.Tests.Forwarding;

/// <summary>Whether the proxy adds a W3C <c>traceparent</c> to requests to Odoo follows <c>PropagateTraceContext</c>.</summary>
public sealed class TraceContextTests
{
    private const string ClientTraceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private static async Task<(string? WithoutClientTrace, string? WithClientTrace)> TraceparentsSeenByOdooAsync(bool propagate)
    {
        var seen = new ConcurrentQueue<string?>();
        await using var upstream = await TestUpstream.StartAsync(c =>
        {
            seen.Enqueue(c.Request.Headers.TryGetValue("traceparent", out var value) ? value.ToString() : null);
            return c.Response.WriteAsync("{}");
        });
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(upstream.Uri) with { PropagateTraceContext = propagate });
        using var client = TestProxy.Client(proxy);

        (await client.GetAsync("/web")).Dispose();
        using var traced = new HttpRequestMessage(HttpMethod.Get, "/web");
        traced.Headers.Add("traceparent", ClientTraceparent);
        (await client.SendAsync(traced)).Dispose();

        var values = seen.ToArray();
        return (values[0], values[1]);
    }

    [Fact]
    public async Task ByDefault_EveryRequestToOdooCarriesATraceparent_ChildOfTheClients()
    {
        var (plain, traced) = await TraceparentsSeenByOdooAsync(propagate: true);

        Assert.NotNull(plain);
        Assert.NotNull(traced);
        // Same trace as the client's, the proxy's own span.
        Assert.StartsWith("00-0af7651916cd43dd8448eb211c80319c-", traced, StringComparison.Ordinal);
        Assert.NotEqual(ClientTraceparent, traced);
    }

    [Fact]
    public async Task TurnedOff_TheProxyAddsNoTraceparent_AndTheClientsPassesUnchanged()
    {
        var (plain, traced) = await TraceparentsSeenByOdooAsync(propagate: false);

        Assert.Null(plain);
        Assert.Equal(ClientTraceparent, traced);
    }
}

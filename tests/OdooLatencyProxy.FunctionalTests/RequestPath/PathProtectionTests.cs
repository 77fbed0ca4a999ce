using System.Text;
using Microsoft.AspNetCore.Http;
using OdooLatencyProxy.Odoo.Classification;
using OdooLatencyProxy.Testing.Http;
using OdooLatencyProxy.Tests.Infrastructure;

namespace OdooLatencyProxy.Tests.RequestPath;

/// <summary>
/// Odoo's database manager is closed on the public listener unless the client is in an allowed network, whatever way
/// the path is spelled, and blocked paths are closed to everyone; refusals take no worker and never reach Odoo.
/// Raw request lines on a real socket: HTTP clients would tidy the paths up before sending them.
/// </summary>
public sealed class PathProtectionTests
{
    [Theory]
    [InlineData("/web/database/manager")]
    [InlineData("/web/database/list")]
    [InlineData("/web/database/backup")]
    [InlineData("/web/database/drop")]
    [InlineData("/web/database/restore")]
    [InlineData("/web/database/create")]
    [InlineData("/web/database/duplicate")]
    [InlineData("/web/database/change_password")]
    [InlineData("/web/database/selector")]
    [InlineData("/web/database")]
    [InlineData("/web/database/")]
    [InlineData("/web/database/manager?debug=1")]
    [InlineData("/WEB/Database/manager")]
    [InlineData("//web/database/manager")]
    [InlineData("/web//database/manager")]
    [InlineData("/web/%64atabase/manager")]
    [InlineData("/web/%44ATABASE/manager")]
    [InlineData("/web%2Fdatabase/manager")]
    [InlineData("/web/%2564atabase/manager")]
    [InlineData("/web/x/../database/manager")]
    [InlineData("/web/x/%2e%2e/database/manager")]
    [InlineData("/web/x%2F..%2Fdatabase/manager")]
    [InlineData("/web/./database/manager")]
    [InlineData("/x/../web/database/manager")]
    public async Task DatabaseManager_AnySpelling_Is403_RecordedClientError_AndNeverReachesOdoo(string target)
    {
        await using var upstream = await TestUpstream.StartAsync(c => c.Response.WriteAsync("odoo"));
        var recorder = new RecordingRecorder();
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(upstream.Uri, workers: 1), recorder);

        var response = await SendAsync(proxy.PublicUri, "POST", target);

        Assert.Equal(403, response.Status);
        Assert.Contains("database manager", response.BodyText, StringComparison.Ordinal);
        await Wait.UntilAsync(() => !recorder.Records.IsEmpty, "the refusal is recorded");
        var record = Assert.Single(recorder.Records);
        Assert.Equal(OdooOutcome.ClientError, record.Record.Outcome.Outcome);
        Assert.Null(record.Record.Pool); // No worker was taken.
        Assert.Empty(upstream.Arrivals);
    }

    [Theory]
    [InlineData("/web/databases")]
    [InlineData("/web/dataset/call_kw/res.partner/read")]
    [InlineData("/web/login")]
    [InlineData("/database/manager")]
    public async Task NeighbouringPaths_StayOpen(string target)
    {
        await using var upstream = await TestUpstream.StartAsync(c => c.Response.WriteAsync("odoo"));
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(upstream.Uri, workers: 1));

        var response = await SendAsync(proxy.PublicUri, "GET", target);

        Assert.Equal(200, response.Status);
        Assert.Single(upstream.Arrivals);
    }

    [Fact]
    public async Task DatabaseManager_FromAnAllowedNetwork_ReachesOdoo()
    {
        await using var upstream = await TestUpstream.StartAsync(c => c.Response.WriteAsync("odoo"));
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(upstream.Uri, workers: 1) with { AllowDatabaseManager = ["10.0.0.0/8", "127.0.0.0/8"] });

        var response = await SendAsync(proxy.PublicUri, "GET", "/web/database/manager");

        Assert.Equal(200, response.Status);
        Assert.Equal("odoo", response.BodyText);
    }

    [Theory]
    // Behind a trusted front, the client is the nearest X-Forwarded-For address that is not a front.
    [InlineData("127.0.0.0/8", "10.1.2.3", 200)]
    [InlineData("127.0.0.0/8", "10.1.2.3, 127.0.0.1", 200)]
    [InlineData("127.0.0.0/8", "10.1.2.3, 192.0.2.9", 403)]
    [InlineData("127.0.0.0/8", "192.0.2.9", 403)]
    [InlineData("127.0.0.0/8", "not-an-address", 403)]
    // From a peer that is not a trusted front, X-Forwarded-For is the client's own word: ignored.
    [InlineData(null, "10.1.2.3", 403)]
    public async Task DatabaseManager_BehindATrustedFront_JudgesTheForwardedClient(string? trustedFront, string forwardedFor, int expected)
    {
        await using var upstream = await TestUpstream.StartAsync(c => c.Response.WriteAsync("odoo"));
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(upstream.Uri, workers: 1) with
        {
            AllowDatabaseManager = ["10.1.2.0/24"],
            TrustedProxies = trustedFront is null ? [] : [trustedFront],
        });

        var response = await SendAsync(proxy.PublicUri, "GET", "/web/database/manager", $"X-Forwarded-For: {forwardedFor}\r\n");

        Assert.Equal(expected, response.Status);
        Assert.Equal(expected == 200 ? 1 : 0, upstream.Arrivals.Count);
    }

    [Theory]
    [InlineData("/xmlrpc/2/db", 403)]
    [InlineData("/XMLRPC/2/db", 403)]
    [InlineData("/xmlrpc//2/db", 403)]
    [InlineData("/xmlrpc/2/%64b", 403)]
    [InlineData("/jsonrpc/db/list", 403)]
    [InlineData("/xmlrpc/2/object", 200)]
    [InlineData("/xmlrpc/2/dbx", 200)]
    [InlineData("/web/database/manager", 403)]
    public async Task BlockedPaths_AreClosedToEveryClient_EvenOnesAllowedTheManager(string target, int expected)
    {
        await using var upstream = await TestUpstream.StartAsync(c => c.Response.WriteAsync("odoo"));
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(upstream.Uri, workers: 1) with
        {
            AllowDatabaseManager = ["127.0.0.1"],
            BlockedPaths = ["/xmlrpc/2/db", "/jsonrpc/db/", "/web/database/manager"],
        });

        var response = await SendAsync(proxy.PublicUri, "POST", target);

        Assert.Equal(expected, response.Status);
        Assert.Equal(expected == 200 ? 1 : 0, upstream.Arrivals.Count);
    }

    private static Task<RawResponse> SendAsync(Uri proxy, string method, string target, string headers = "") =>
        RawHttp.ExchangeAsync(proxy, Encoding.Latin1.GetBytes(
            $"{method} {target} HTTP/1.1\r\nHost: odoo.test\r\nContent-Type: application/json\r\n{headers}Content-Length: 2\r\n\r\n{{}}"));
}

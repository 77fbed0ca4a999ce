using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OdooLatencyProxy.Hosting;
using OdooLatencyProxy.Tests.Infrastructure;

namespace OdooLatencyProxy.Tests.Forwarding;

/// <summary>
/// <c>ConnectionPerRequest</c>: Odoo's workers get a connection per request from the proxy's own client (the simulator,
/// which answers as they do, HTTP/1.0 and close, is behind most functional tests); an upstream that keeps connections
/// alive is handed to the pooled client after its first answer, and says so once in the log.
/// </summary>
public sealed class ConnectionPerRequestTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AKeepAliveUpstream_IsPooled_AfterTheOwnClientsFirstAnswerOrFromTheStart(bool connectionPerRequest)
    {
        var connections = new ConcurrentQueue<string>();
        await using var upstream = await TestUpstream.StartAsync(c =>
        {
            connections.Enqueue(c.Connection.Id);
            return c.Response.WriteAsync("{}");
        });
        var logs = new CapturingLoggerProvider();
        await using var proxy = await ProxyHost.StartAsync(TestProxy.Options(upstream.Uri) with { ConnectionPerRequest = connectionPerRequest },
            new ConfigurationBuilder().AddInMemoryCollection().Build(), services => services.AddSingleton<ILoggerProvider>(logs));
        using var client = TestProxy.Client(proxy);

        for (var i = 0; i < 5; i++) (await client.GetAsync(new Uri("/web", UriKind.Relative), TestContext.Current.CancellationToken)).Dispose();

        Assert.Equal(5, connections.Count);
        Assert.Single(connections.Skip(2).Distinct()); // pooled: one kept connection
        var switched = logs.Lines.Where(l => l.Contains("[1120]", StringComparison.Ordinal)).ToList();
        if (connectionPerRequest)
        {
            Assert.Contains($"Odoo at {upstream.Uri.Authority} keeps connections alive", Assert.Single(switched), StringComparison.Ordinal);
        }
        else
        {
            Assert.Empty(switched);
        }
    }
}

using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OdooLatencyProxy.Hosting;
using OdooLatencyProxy.Tests.Infrastructure;

namespace OdooLatencyProxy.Tests.Hosting;

public sealed class LoggingTests
{
    [Fact]
    public async Task DebugLog_ShowsOperationAndOutcome_ButNoBodyCookieTokenOrQuery()
    {
        await using var odoo = await OdooSimulator.Hosting.OdooSimulatorServer.StartAsync(new OdooSimulator.SimulatorOptions { Workers = 2 });
        var logs = new CapturingLoggerProvider();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                // An operator turning everything up must still not see secrets.
                ["Logging:LogLevel:Default"] = "Trace",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
                ["Logging:LogLevel:Yarp"] = "Trace",
                ["Logging:LogLevel:System.Net.Http"] = "Trace",
            })
            .Build();
        await using var proxy = await ProxyHost.StartAsync(TestProxy.Options(odoo.HttpUri, odoo.GeventUri, workers: 2), configuration,
            services => services.AddSingleton<ILoggerProvider>(logs));
        using var client = TestProxy.Client(proxy);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/web/dataset/call_button?access_token=tok-SECRET-123&debug=1")
        {
            Content = new StringContent("""{"id":9,"jsonrpc":"2.0","method":"call","params":{"args":[[5]],"kwargs":{"context":{"password":"pw-SECRET-456"}},"method":"action_post","model":"account.move"}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Cookie", "session_id=sess-SECRET-789");
        request.Headers.Add("Authorization", "Bearer auth-SECRET-000");
        request.Headers.Add("X-CSRFToken", "csrf-SECRET-111");
        request.Headers.Add("X-Sim-Fail", "rpc_error");
        using var response = await client.SendAsync(request);
        await response.Content.ReadAsStringAsync();

        await Wait.UntilAsync(() => logs.Lines.Any(l => l.Contains("[1100]", StringComparison.Ordinal)), what: "request logged");
        var line = logs.Lines.Single(l => l.Contains("[1100]", StringComparison.Ordinal));
        Assert.Contains("POST /web/dataset/call_button [invoice.post] -> 200 rpc_error/UserError", line, StringComparison.Ordinal);
        Assert.All(logs.Lines, l => Assert.DoesNotContain("SECRET", l, StringComparison.Ordinal));
        Assert.All(logs.Lines, l => Assert.DoesNotContain("access_token", l, StringComparison.Ordinal));
    }
}

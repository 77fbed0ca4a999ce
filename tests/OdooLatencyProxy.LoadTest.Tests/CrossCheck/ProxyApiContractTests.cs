using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OdooLatencyProxy.LoadTest.CrossCheck;
using OdooLatencyProxy.LoadTest.Engine;

namespace OdooLatencyProxy.LoadTest.Tests.CrossCheck;

/// <summary>The contract shape of GET /api/operations, served by a real Kestrel on loopback.</summary>
public sealed class ProxyApiContractTests
{
    private const string ContractJson = """
        {"generatedAt":"2026-11-26T21:52:06.479+00:00","operations":[
          {"operation":"sale_order.confirm","thresholdSeconds":null,"windows":{
            "1m":{"count":0,"ratePerSecond":0,"failureRate":0,"p50":null,"p95":null,"p99":null,"p999":null,"max":null},
            "5m":{"count":40,"ratePerSecond":0.13,"failureRate":0.025,"p50":0.0200,"p95":0.0500,"p99":0.0800,"p999":0.0800,"max":0.0800}}},
          {"operation":"invoice.post","thresholdSeconds":2,"windows":{
            "5m":{"count":40,"ratePerSecond":0.13,"failureRate":0,"p50":0.0200,"p95":0.0500,"p99":0.0800,"p999":0.0800,"max":0.0800}}}]}
        """;

    [Fact]
    public async Task OperationsDocument_ParsesIncludingNullPercentilesOfAnEmptyWindow()
    {
        await using var app = await ServeAsync(ContractJson);
        using var http = new HttpClient();
        var operations = await new ProxyApi(http).GetOperationsAsync(Address(app), TestContext.Current.CancellationToken);
        Assert.Equal(2, operations.Operations.Count);
        var confirm = operations.Operations[0];
        Assert.Equal("sale_order.confirm", confirm.Operation);
        Assert.Null(confirm.ThresholdSeconds);
        Assert.Null(confirm.Windows["1m"].P95);
        Assert.Equal(40, confirm.Windows["5m"].Count);
        Assert.Equal(0.05, confirm.Windows["5m"].P95);
        Assert.Equal(2, operations.Operations[1].ThresholdSeconds);
    }

    [Fact]
    public async Task CrossCheck_AgreesWhenTheClientAddsOnlyOverhead_AndDisagreesWhenItIsFarOff()
    {
        await using var app = await ServeAsync(ContractJson);
        using var http = new HttpClient();
        var start = Stopwatch.GetTimestamp();
        var results = new ResultCollector(start);
        // sale_order.confirm: the proxy's figures plus ~1 ms; invoice.post: twice the proxy's: not the same requests.
        for (var i = 0; i < 40; i++)
        {
            var service = i < 20 ? 0.0195 : i < 38 ? 0.05 : 0.08;
            Record(results, "sale_order.confirm", start, service + 0.001);
            Record(results, "invoice.post", start, service * 2);
        }

        var report = await CrossChecker.RunAsync(new ProxyApi(http), Address(app), results, TimeSpan.FromSeconds(5), new AgreementSettings { SettleDeadline = TimeSpan.Zero },
            TestContext.Current.CancellationToken);
        Assert.Equal("5m", report.Window);
        Assert.True(report.Operations.Single(o => o.Operation == "sale_order.confirm").Agrees);
        Assert.False(report.Operations.Single(o => o.Operation == "invoice.post").Agrees);
        Assert.False(report.Agreed);
        Assert.Contains("DISAGREE", report.Summary, StringComparison.Ordinal);
        // The summary names the percentile that missed and both figures.
        Assert.Contains("invoice.post (p50: client 39.", report.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CrossCheck_WithoutTheApi_SaysSoInsteadOfFailingTheRun()
    {
        await using var app = await ServeAsync(null);
        using var http = new HttpClient();
        var report = await CrossChecker.RunAsync(new ProxyApi(http), Address(app), new ResultCollector(Stopwatch.GetTimestamp()), TimeSpan.FromSeconds(1), new AgreementSettings(),
            TestContext.Current.CancellationToken);
        Assert.Null(report.Agreed);
        Assert.NotNull(report.Error);
        Assert.Contains("not done", report.Summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0500, 0.0500, true)]
    [InlineData(0.0499, 0.0500, true)]   // HDR precision on both sides
    [InlineData(0.0595, 0.0500, true)]   // + 5 ms + 10 % overhead allowance
    [InlineData(0.0620, 0.0500, false)]
    [InlineData(0.0455, 0.0500, true)]   // the proxy may stop its clock up to 5 ms after the client (its thread waited)
    [InlineData(0.0445, 0.0500, false)]  // otherwise the client cannot be faster than the proxy for the same requests
    public void AgreementRule(double client, double proxy, bool agrees) =>
        Assert.Equal(agrees, CrossChecker.Within(client, proxy, new AgreementSettings()));

    private static void Record(ResultCollector results, string operation, long start, double seconds)
    {
        var end = start + (long)(seconds * Stopwatch.Frequency);
        results.OnSent();
        results.Record(operation, "ok", start, start, end);
    }

    private static async Task<WebApplication> ServeAsync(string? json)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        if (json is not null)
        {
            app.MapGet(ProxyApi.OperationsPath, () => Microsoft.AspNetCore.Http.Results.Text(json, "application/json"));
        }

        await app.StartAsync();
        return app;
    }

    private static Uri Address(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
}

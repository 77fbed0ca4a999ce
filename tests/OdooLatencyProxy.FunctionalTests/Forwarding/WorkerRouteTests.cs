using System.Net;
using OdooLatencyProxy.Forwarding;
using OdooLatencyProxy.Tests.Infrastructure;

namespace OdooLatencyProxy.Tests.Forwarding;

/// <summary>
/// The workers' requests are taken before ASP.NET Core's routing (<c>WorkerRoute</c>), the gevent ones go on to the
/// routes: every path lands on the port ASP.NET Core's routing gave it, and only the workers' take a worker.
/// </summary>
public sealed class WorkerRouteTests
{
    [Theory]
    [InlineData("/websocket", true)]
    [InlineData("/WebSocket", true)]
    [InlineData("/websocket/", true)]
    [InlineData("/longpolling", true)]
    [InlineData("/longpolling/poll", true)]
    [InlineData("/LongPolling/im_status", true)]
    [InlineData("/websocketx", false)]
    [InlineData("/websocket/more", false)]
    [InlineData("/longpollingx", false)]
    [InlineData("/web/longpolling", false)]
    [InlineData("/", false)]
    [InlineData("/web/dataset/call_kw/sale.order/action_confirm", false)]
    public async Task EveryPath_LandsOnThePortOfItsRoute(string path, bool gevent)
    {
        Assert.Equal(gevent, ProxyTopology.ForGevent(path));
        await using var workers = await TestUpstream.StartAsync(_ => Task.CompletedTask);
        await using var geventPort = await TestUpstream.StartAsync(_ => Task.CompletedTask);
        var recorder = new RecordingRecorder();
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(workers.Uri, geventPort.Uri), recorder);
        using var client = TestProxy.Client(proxy);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(path + "?q=1")).StatusCode);

        Assert.Equal(gevent ? 0 : 1, workers.Arrivals.Count);
        Assert.Equal(gevent ? 1 : 0, geventPort.Arrivals.Count);
        // Recorded once the exchange is over, a moment after the client has its answer.
        for (var i = 0; i < 100 && recorder.Records.IsEmpty; i++) await Task.Delay(20);
        var (_, _, recorded) = Assert.Single(recorder.Records);
        Assert.Equal(gevent ? null : ProxyTopology.WorkersCluster, recorded.Pool);
    }
}

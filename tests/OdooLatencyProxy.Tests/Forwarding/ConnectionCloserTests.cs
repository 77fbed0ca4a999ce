using System.Net;
using System.Net.Sockets;
using OdooLatencyProxy.Forwarding;

namespace OdooLatencyProxy.Tests.Forwarding;

/// <summary>
/// The closer of Odoo's connections against a real listener on 127.0.0.1: what is handed over is closed (the other end
/// reads its end), nothing is left open when it stops, and after it stops a connection is closed by its caller.
/// </summary>
public sealed class ConnectionCloserTests : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<Socket> _sockets = [];

    public ConnectionCloserTests() => _listener.Start();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HandedOverConnection_IsClosed_AndTheOtherEndReadsItsEnd()
    {
        using var closer = new ConnectionCloser();
        var (client, server) = await ConnectAsync();

        closer.Close(client);

        Assert.Equal(0, await ReadWithin(server, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task ConnectorStreams_AreClosedByTheCloser_WhenDisposed()
    {
        using var closer = new ConnectionCloser();
        var connector = new UpstreamConnector(TimeProvider.System, closer);
        var port = ((IPEndPoint)_listener.LocalEndpoint).Port;

        var stream = await connector.ConnectAsync(new DnsEndPoint("127.0.0.1", port), Token);
        var server = Track(await _listener.AcceptSocketAsync(Token));
        await stream.DisposeAsync();

        Assert.Equal(0, await ReadWithin(server, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Dispose_ClosesEveryConnectionStillPending()
    {
        var closer = new ConnectionCloser();
        var clients = new List<Socket>();
        for (var i = 0; i < 50; i++) clients.Add((await ConnectAsync()).Client);

        foreach (var client in clients) closer.Close(client);
        closer.Dispose();

        Assert.All(clients, client => Assert.True(client.SafeHandle.IsClosed));
    }

    [Fact]
    public async Task AfterDispose_TheCallerClosesAtOnce()
    {
        var closer = new ConnectionCloser();
        closer.Dispose();
        var (client, _) = await ConnectAsync();

        closer.Close(client);

        Assert.True(client.SafeHandle.IsClosed);
    }

    private async Task<(Socket Client, Socket Server)> ConnectAsync()
    {
        var client = Track(new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        await client.ConnectAsync((IPEndPoint)_listener.LocalEndpoint, Token);
        return (client, Track(await _listener.AcceptSocketAsync(Token)));
    }

    private static async Task<int> ReadWithin(Socket socket, TimeSpan limit)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Token);
        deadline.CancelAfter(limit);
        return await socket.ReceiveAsync(new byte[16], SocketFlags.None, deadline.Token);
    }

    private Socket Track(Socket socket)
    {
        _sockets.Add(socket);
        return socket;
    }

    public void Dispose()
    {
        foreach (var socket in _sockets) socket.Dispose();
        _listener.Stop();
    }
}

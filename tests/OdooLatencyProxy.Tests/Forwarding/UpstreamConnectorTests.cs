using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using OdooLatencyProxy.Forwarding;

namespace OdooLatencyProxy.Tests.Forwarding;

public sealed class UpstreamConnectorTests : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly FakeTimeProvider _time = new();
    private readonly List<string> _lookups = [];
    private IPAddress[] _addresses = [IPAddress.Loopback];

    public UpstreamConnectorTests() => _listener.Start();

    private int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    private UpstreamConnector Connector() => new(_time, (host, _) =>
    {
        _lookups.Add(host);
        return Task.FromResult(_addresses);
    });

    [Fact]
    public async Task A_host_name_is_looked_up_once_for_many_connections_then_again_after_its_lifetime()
    {
        var connector = Connector();
        for (var i = 0; i < 3; i++) await ConnectAndAcceptAsync(connector, "odoo");
        Assert.Equal(["odoo"], _lookups);

        _time.Advance(UpstreamConnector.AddressLifetime);
        await ConnectAndAcceptAsync(connector, "odoo");
        Assert.Equal(["odoo", "odoo"], _lookups);
    }

    [Fact]
    public async Task An_address_literal_is_never_looked_up()
    {
        await ConnectAndAcceptAsync(Connector(), "127.0.0.1");
        Assert.Empty(_lookups);
    }

    [Fact]
    public async Task The_next_address_is_tried_when_one_refuses()
    {
        // Nothing listens on 127.0.0.2 at this port (the listener is bound to 127.0.0.1 only).
        _addresses = [IPAddress.Parse("127.0.0.2"), IPAddress.Loopback];
        await ConnectAndAcceptAsync(Connector(), "odoo");
    }

    [Fact]
    public async Task A_host_whose_addresses_all_refuse_fails_and_is_looked_up_again_at_the_next_connection()
    {
        var connector = Connector();
        _addresses = [IPAddress.Parse("127.0.0.2")];
        var refused = await Assert.ThrowsAsync<SocketException>(() => connector.ConnectAsync(new DnsEndPoint("odoo", Port), CancellationToken.None).AsTask());
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);

        _addresses = [IPAddress.Loopback]; // the container came back elsewhere
        await ConnectAndAcceptAsync(connector, "odoo");
        Assert.Equal(["odoo", "odoo"], _lookups);
    }

    [Fact]
    public async Task The_connection_is_a_no_delay_socket_of_the_address_family()
    {
        await using var stream = await Connector().ConnectAsync(new DnsEndPoint("127.0.0.1", Port), CancellationToken.None);
        using var accepted = await _listener.AcceptSocketAsync();
        var socket = Assert.IsAssignableFrom<NetworkStream>(stream).Socket;
        Assert.True(socket.NoDelay);
        Assert.Equal(AddressFamily.InterNetwork, socket.AddressFamily);

        await stream.WriteAsync("ping"u8.ToArray());
        var received = new byte[4];
        await accepted.ReceiveAsync(received);
        Assert.Equal("ping"u8.ToArray(), received);
    }

    [Fact]
    public async Task Disposing_the_connection_closes_its_socket()
    {
        var stream = await Connector().ConnectAsync(new DnsEndPoint("127.0.0.1", Port), CancellationToken.None);
        using var accepted = await _listener.AcceptSocketAsync();
        var socket = Assert.IsAssignableFrom<NetworkStream>(stream).Socket;

        await stream.DisposeAsync();

        Assert.Throws<ObjectDisposedException>(() => socket.Available);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.Equal(0, await accepted.ReceiveAsync(new byte[1], deadline.Token)); // the peer sees the FIN
    }

    private async Task ConnectAndAcceptAsync(UpstreamConnector connector, string host)
    {
        await using var stream = await connector.ConnectAsync(new DnsEndPoint(host, Port), CancellationToken.None);
        using var accepted = await _listener.AcceptSocketAsync();
        Assert.True(accepted.Connected);
    }

    public void Dispose() => _listener.Dispose();
}

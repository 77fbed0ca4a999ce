using System.Buffers;
using System.Buffers.Text;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OdooLatencyProxy.Configuration;
using OdooLatencyProxy.Forwarding;
using OdooLatencyProxy.Hosting;
using Yarp.ReverseProxy.Forwarder;

namespace OdooLatencyProxy.Benchmarks.Peers;

/// <summary>
/// Reference servers for <c>peers --floors on</c>, not products: what .NET costs in front of the same upstream with none
/// of the proxy's own work, so a row of the proxy reads against what its platform allows.
/// <list type="bullet">
/// <item><c>yarp</c>: Kestrel and YARP's forwarder with the proxy's client to Odoo's workers, and nothing else (no
/// buffering, classification, admission, telemetry, tracing or logging).</item>
/// <item><c>kestrel</c>: Kestrel's HTTP layer (ASP.NET Core's request pipeline, one request delegate) forwarding on a
/// socket of its own, without YARP: the request head written from Kestrel's parsed headers, the answer's head parsed
/// into the response; Content-Length bodies only.</item>
/// <item><c>transport</c>: a minimal HTTP/1.1 forwarder on Kestrel's transport, below ASP.NET Core's HTTP layer: a
/// request head and its Content-Length body go upstream in one write, on a connection kept while the upstream keeps
/// it; a Content-Length answer comes back as it is, less the upstream's <c>Connection: close</c>. Anything else
/// (chunked, no length) is refused: it only has to carry the benchmark's requests.</item>
/// </list>
/// Both start .NET's socket engine as the proxy does (inline scheduling, one socket thread).
/// </summary>
internal static class FloorServer
{
    public const string Usage = "usage: floor yarp|kestrel|transport PORT UPSTREAM-URL";

    public static async Task<int> RunAsync(string[] args)
    {
        if (args is not ["floor", "yarp" or "kestrel" or "transport", var portText, var upstreamText]
            || !int.TryParse(portText, out var port) || !Uri.TryCreate(upstreamText, UriKind.Absolute, out var upstream))
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        var defaults = new ProxyOptions();
        SocketEngine.Configure(defaults);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = defaults.InlineScheduling);
        builder.Services.AddHttpForwarder();
        var transport = args[1] == "transport";
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            if (transport) kestrel.Listen(IPAddress.Loopback, port, listen => listen.Run(async connection =>
            {
                using var forwarder = new TransportForwarder(upstream);
                await forwarder.RunAsync(connection);
            }));
            else kestrel.Listen(IPAddress.Loopback, port);
        });
        await using var app = builder.Build();
        if (args[1] == "kestrel")
        {
            app.Run(context => KestrelForwarder.ForwardAsync(context, upstream));
        }
        else if (!transport)
        {
            var client = new HttpMessageInvoker(new PreforkHttpHandler(
                new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, UseCookies = false, ActivityHeadersPropagator = null, ConnectTimeout = TimeSpan.FromSeconds(15) },
                new UpstreamConnector(TimeProvider.System), new KeepAliveDestinations(NullLogger<KeepAliveDestinations>.Instance)));
            var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
            var destination = upstream.GetLeftPart(UriPartial.Authority);
            app.Run(async context => await forwarder.SendAsync(context, destination, client));
        }
        await app.RunAsync();
        return 0;
    }

    private sealed class TransportForwarder(Uri upstream) : IDisposable
    {
        private const int MaxHead = 64 * 1024;
        private static readonly byte[] s_headEnd = "\r\n\r\n"u8.ToArray();
        private static readonly byte[] s_closing = "\r\nConnection: close"u8.ToArray();
        private Socket? _upstream;

        public async Task RunAsync(ConnectionContext client)
        {
            while (await ForwardOneAsync(client.Transport)) { }
        }

        public void Dispose() => _upstream?.Dispose();

        private async Task<bool> ForwardOneAsync(IDuplexPipe client)
        {
            var (request, length) = await ReadMessageAsync(client.Input);
            if (request is null) return false;
            try
            {
                if (_upstream is null)
                {
                    _upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    await _upstream.ConnectAsync(new IPEndPoint(IPAddress.Parse(upstream.Host), upstream.Port));
                }
                await _upstream.SendAsync(request.AsMemory(0, length));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(request);
            }

            var answer = ArrayPool<byte>.Shared.Rent(16 * 1024);
            try
            {
                var (headLength, total, received) = (-1, -1, 0);
                while (received < total || total < 0)
                {
                    if (received == answer.Length) return false;
                    var read = await _upstream.ReceiveAsync(answer.AsMemory(received));
                    if (read == 0) return false;
                    received += read;
                    if (headLength < 0 && answer.AsSpan(0, received).IndexOf(s_headEnd) is var end and >= 0)
                    {
                        headLength = end + 4;
                        if (ContentLength(answer.AsSpan(0, headLength)) is not { } bodyLength) return false;
                        total = headLength + bodyLength;
                    }
                }
                var closing = answer.AsSpan(0, headLength).IndexOf(s_closing);
                if (closing < 0)
                {
                    await client.Output.WriteAsync(answer.AsMemory(0, total));
                }
                else
                {
                    _upstream.Dispose();
                    _upstream = null;
                    client.Output.Write(answer.AsSpan(0, closing));
                    await client.Output.WriteAsync(answer.AsMemory(closing + s_closing.Length, total - closing - s_closing.Length));
                }
                return true;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(answer);
            }
        }

        /// <summary>The next request, head and body, in a pooled array; null when the client is done or sent something else.</summary>
        private static async Task<(byte[]? Message, int Length)> ReadMessageAsync(PipeReader input)
        {
            while (true)
            {
                var result = await input.ReadAsync();
                var buffer = result.Buffer;
                var reader = new SequenceReader<byte>(buffer);
                if (reader.TryReadTo(out ReadOnlySequence<byte> head, s_headEnd, advancePastDelimiter: true))
                {
                    if (ContentLength(buffer.Slice(0, head.Length + 4).ToArray()) is not { } bodyLength) return (null, 0);
                    var length = (int)head.Length + 4 + bodyLength;
                    if (buffer.Length >= length)
                    {
                        var message = ArrayPool<byte>.Shared.Rent(length);
                        buffer.Slice(0, length).CopyTo(message);
                        input.AdvanceTo(buffer.GetPosition(length));
                        return (message, length);
                    }
                }
                if (result.IsCompleted || buffer.Length > MaxHead + 1024 * 1024) return (null, 0);
                input.AdvanceTo(buffer.Start, buffer.End);
            }
        }

        /// <summary>The Content-Length of a head (0 without one); null for a chunked or unreadable one.</summary>
        private static int? ContentLength(ReadOnlySpan<byte> head)
        {
            if (head.IndexOf("\r\nTransfer-Encoding:"u8) >= 0) return null;
            var at = IndexOfIgnoreCase(head, "\r\ncontent-length:"u8);
            if (at < 0) return 0;
            var value = head[(at + 17)..];
            value = value[..value.IndexOf("\r\n"u8)].Trim((byte)' ');
            return Utf8Parser.TryParse(value, out int length, out var used) && used == value.Length && length >= 0 ? length : null;
        }

        private static int IndexOfIgnoreCase(ReadOnlySpan<byte> text, ReadOnlySpan<byte> lowerCase)
        {
            for (var i = 0; i + lowerCase.Length <= text.Length; i++)
            {
                if (System.Text.Ascii.EqualsIgnoreCase(text.Slice(i, lowerCase.Length), lowerCase)) return i;
            }
            return -1;
        }
    }
}

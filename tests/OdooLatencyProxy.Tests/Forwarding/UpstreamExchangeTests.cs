using System.Net;
using System.Text;
using OdooLatencyProxy.Forwarding;

namespace OdooLatencyProxy.Tests.Forwarding;

/// <summary>
/// How the request leaves for Odoo, write by write: each write to the connection is a send, and each send wakes Odoo's
/// worker to read it.
/// </summary>
public sealed class UpstreamExchangeTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ASmallBody_LeavesWithItsHead_InOneWrite_ThoughYarpFlushesBeforeTheBody()
    {
        var connection = new RecordingConnection();
        var request = Post(new YarpLikeContent(["""{"jsonrpc":"2.0","params":{}}"""], flushBetweenParts: false));

        await new UpstreamExchange(connection).SendAsync(request, Token);

        var write = Assert.Single(connection.Writes);
        Assert.StartsWith("POST /web/dataset/call_kw HTTP/1.1\r\n", write, StringComparison.Ordinal);
        Assert.EndsWith("\r\nContent-Length: 29\r\n\r\n" + """{"jsonrpc":"2.0","params":{}}""", write, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStreamedBody_GoesOutAtEachFlushAfterItsFirstBytes_TheHeadWithTheFirstPart()
    {
        var connection = new RecordingConnection();
        var request = Post(new YarpLikeContent(["first,", "second,", "third"], flushBetweenParts: true));

        await new UpstreamExchange(connection).SendAsync(request, Token);

        Assert.Equal(3, connection.Writes.Count);
        Assert.EndsWith("\r\n\r\nfirst,", connection.Writes[0], StringComparison.Ordinal);
        Assert.Equal(["second,", "third"], connection.Writes.Skip(1));
    }

    [Fact]
    public async Task ARequestWithoutBody_IsItsHead_InOneWrite()
    {
        var connection = new RecordingConnection();

        await new UpstreamExchange(connection).SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://odoo:8069/web/health"), Token);

        Assert.Equal("GET /web/health HTTP/1.1\r\nHost: odoo:8069\r\n\r\n", Assert.Single(connection.Writes));
    }

    private static HttpRequestMessage Post(HttpContent content) =>
        new(HttpMethod.Post, "http://odoo:8069/web/dataset/call_kw") { Content = content };

    /// <summary>As YARP's request content copies a body: a flush first (to send the head early), then the body's parts.</summary>
    private sealed class YarpLikeContent(string[] parts, bool flushBetweenParts) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.FlushAsync();
            foreach (var part in parts)
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes(part));
                if (flushBetweenParts) await stream.FlushAsync();
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = parts.Sum(part => part.Length);
            return true;
        }
    }

    /// <summary>A connection that keeps each write apart.</summary>
    private sealed class RecordingConnection : Stream
    {
        public List<string> Writes { get; } = [];

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Writes.Add(Encoding.ASCII.GetString(buffer.Span));
            return ValueTask.CompletedTask;
        }

        public override void Write(byte[] buffer, int offset, int count) => Writes.Add(Encoding.ASCII.GetString(buffer, offset, count));
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}

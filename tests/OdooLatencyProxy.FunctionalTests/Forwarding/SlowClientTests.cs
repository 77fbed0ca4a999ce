using System.Net;
using Microsoft.AspNetCore.Http;
using OdooLatencyProxy.Tests.Infrastructure;

namespace OdooLatencyProxy.Tests.Forwarding;

/// <summary>With one Odoo worker, a slow client on either side must not hold it (nginx's buffering, kept).</summary>
public sealed class SlowClientTests
{
    private static async Task Echo(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        await context.Response.Body.WriteAsync(body.ToArray());
    }

    [Fact]
    public async Task ClientTricklingItsBody_DoesNotHoldTheOnlyWorker()
    {
        await using var upstream = await TestUpstream.StartAsync(Echo);
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(upstream.Uri, workers: 1));
        using var client = TestProxy.Client(proxy);
        var trickle = new TrickleStream();

        var slowUpload = client.PostAsync("/web/binary/upload_attachment", new StreamContent(trickle));
        await trickle.Started.WaitAsync(TimeSpan.FromSeconds(10));
        // While the upload trickles in, other requests are served by the only worker.
        for (var i = 0; i < 3; i++)
        {
            using var other = await client.PostAsync("/web/dataset/call_kw/res.partner/web_search_read", new StringContent("{\"id\":1}"));
            Assert.Equal("{\"id\":1}", await other.Content.ReadAsStringAsync());
        }
        Assert.False(slowUpload.IsCompleted);
        Assert.Equal(3, upstream.Arrivals.Count); // Only the three others: the upload has not reached Odoo yet.

        trickle.Finish();
        using var response = await slowUpload;
        Assert.Equal(TrickleStream.Expected, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(1, upstream.MaxInFlight);
    }

    [Fact]
    public async Task ClientReadingTheResponseSlowly_DoesNotHoldTheOnlyWorker()
    {
        const int Size = 32 * 1024 * 1024; // Far more than socket buffers can hide.
        await using var upstream = await TestUpstream.StartAsync(async c =>
        {
            if (c.Request.Path == "/big")
            {
                c.Response.ContentLength = Size;
                var chunk = new byte[64 * 1024];
                for (var sent = 0; sent < Size; sent += chunk.Length) await c.Response.Body.WriteAsync(chunk);
                return;
            }
            await c.Response.WriteAsync("small");
        });
        await using var proxy = await TestProxy.StartAsync(TestProxy.Options(upstream.Uri, workers: 1));
        using var client = TestProxy.Client(proxy);

        using var slow = await client.GetAsync("/big", HttpCompletionOption.ResponseHeadersRead);
        await using var slowBody = await slow.Content.ReadAsStreamAsync();
        var first = new byte[1024];
        await slowBody.ReadExactlyAsync(first);
        // The client has read 1 KiB of 32 MiB and stopped; the worker is free anyway.
        await Wait.UntilAsync(() => proxy.Pools.Workers.Snapshot().Destinations[0].Busy == 0, what: "worker released while the client stalls");
        using var other = await client.GetAsync("/small");
        Assert.Equal("small", await other.Content.ReadAsStringAsync());

        var rest = new MemoryStream();
        await slowBody.CopyToAsync(rest);
        Assert.Equal(Size - first.Length, rest.Length);
    }

    [Theory]
    [InlineData(8 * 1024 * 1024)]          // the body exactly at the buffer cap is still buffered
    [InlineData(8 * 1024 * 1024 + 1)]      // one byte over: streamed, the worker is held until the client has it
    public async Task ResponseBeyondMemoryLimit_SpillsToATempFile_UpToTheCap(int cap)
    {
        const int Size = 8 * 1024 * 1024;
        var temp = Directory.CreateTempSubdirectory("olp-spill-");
        try
        {
            await using var upstream = await TestUpstream.StartAsync(async c =>
            {
                c.Response.ContentLength = Size;
                await c.Response.Body.WriteAsync(new byte[Size]);
            });
            var options = TestProxy.Options(upstream.Uri, workers: 1) with
            {
                TempDirectory = temp.FullName,
                BufferMemoryBytes = 64 * 1024,
                MaxResponseBufferBytes = cap == Size ? Size : Size - 1,
            };
            await using var proxy = await TestProxy.StartAsync(options);
            using var client = TestProxy.Client(proxy);

            using var stalled = await client.GetAsync("/web/content/7?download=true", HttpCompletionOption.ResponseHeadersRead);
            if (cap == Size)
            {
                // All but the first 64 KiB sit in a temp file, and the worker is free while the client reads nothing.
                await Wait.UntilAsync(() => temp.GetFiles().Sum(f => f.Length) == Size - 64 * 1024, what: "spilled to disk");
                await Wait.UntilAsync(() => proxy.Pools.Workers.Snapshot().Destinations[0].Busy == 0, what: "worker released");
            }
            else
            {
                Assert.Empty(temp.GetFiles());
                Assert.Equal(1, proxy.Pools.Workers.Snapshot().Destinations[0].Busy);
            }
            Assert.Equal(Size, (await stalled.Content.ReadAsByteArrayAsync()).Length);
            await Wait.UntilAsync(() => temp.GetFiles().Length == 0, what: "temp file deleted");
            await Wait.UntilAsync(() => proxy.Pools.Workers.Snapshot().Destinations[0].Busy == 0, what: "worker released at the end");
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }

    /// <summary>A request body that sends a little, then waits for the test before sending the rest.</summary>
    private sealed class TrickleStream : OdooLatencyProxy.Forwarding.ReadOnlyStream
    {
        public static readonly byte[] Expected = [.. Enumerable.Range(0, 5000).Select(i => (byte)(i % 251))];
        private readonly TaskCompletionSource _finish = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _position;

        public Task Started => _started.Task;

        public void Finish() => _finish.TrySetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position == 100) await _finish.Task.WaitAsync(cancellationToken);
            var count = _position < 100 ? Math.Min(buffer.Length, 100 - _position) : Math.Min(buffer.Length, Expected.Length - _position);
            Expected.AsSpan(_position, count).CopyTo(buffer.Span);
            _position += count;
            if (_position == 100) _started.TrySetResult();
            return count;
        }
    }
}

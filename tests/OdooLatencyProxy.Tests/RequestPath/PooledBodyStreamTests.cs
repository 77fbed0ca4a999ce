using OdooLatencyProxy.RequestPath;

namespace OdooLatencyProxy.Tests.RequestPath;

public sealed class PooledBodyStreamTests
{
    [Fact]
    public async Task WhatIsReadIntoTheBuffer_IsReplayedExactly_AndTheStreamSeeks()
    {
        var body = "{\"jsonrpc\":\"2.0\"}"u8.ToArray();
        using var stream = new PooledBodyStream(body.Length);

        body.CopyTo(stream.Buffer);
        var first = new byte[body.Length + 10];
        var read = await stream.ReadAsync(first);
        stream.Position = 0;
        var again = new byte[body.Length];
        await stream.ReadExactlyAsync(again);

        Assert.Equal(body.Length, read);
        Assert.Equal(body, first[..read]);
        Assert.Equal(body, again);
        Assert.Equal(body.Length, stream.Length);
        Assert.True(stream.CanSeek);
        Assert.False(stream.CanWrite);
    }

    [Fact]
    public void AnEmptyBody_ReadsAsEmpty_AndDisposingTwiceIsHarmless()
    {
        var stream = new PooledBodyStream(0);

        Assert.Equal(0, stream.Buffer.Length);
        Assert.Equal(-1, stream.ReadByte());
        stream.Dispose();
        stream.Dispose(); // The exchange and a reader may both dispose of it; the array goes back to the pool once.
    }
}

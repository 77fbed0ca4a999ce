using System.Text;
using OdooLatencyProxy.Forwarding;

namespace OdooLatencyProxy.Tests.Forwarding;

/// <summary>The proxy's own W3C trace context, written without a request Activity.</summary>
public sealed class TraceContextTests
{
    private const string ClientParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    [Fact]
    public void AValidParent_GivesAChildSpan_InTheSameTrace_WithTheSameFlags_AndTheStateKept()
    {
        var (parent, state) = TraceContext.ChildOf(ClientParent, "vendor=abc");

        Assert.Matches("^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$", parent);
        Assert.NotEqual("b7ad6b7169203331", parent[36..52]);
        Assert.Equal("vendor=abc", state);
    }

    [Fact]
    public void EachRequest_GetsASpanOfItsOwn()
    {
        var spans = Enumerable.Range(0, 100).Select(_ => TraceContext.ChildOf(ClientParent, default).Parent[36..52]).ToHashSet();

        Assert.Equal(100, spans.Count);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("00-00000000000000000000000000000000-b7ad6b7169203331-01")] // all-zero trace id
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01")] // all-zero span id
    [InlineData("00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01")] // upper case
    [InlineData("ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")] // forbidden version
    public void NoValidParent_StartsANewTrace_Unsampled_AndDropsTheState(string? clientParent)
    {
        var (parent, state) = TraceContext.ChildOf(clientParent, "vendor=abc");

        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-00$", parent);
        Assert.DoesNotContain("0af7651916cd43dd8448eb211c80319c", parent, StringComparison.Ordinal);
        Assert.DoesNotContain("00000000000000000000000000000000", parent, StringComparison.Ordinal);
        Assert.Null(state);
    }

    [Fact]
    public void TwoClientParents_AreNotAValidParent()
    {
        var (parent, _) = TraceContext.ChildOf(new Microsoft.Extensions.Primitives.StringValues([ClientParent, ClientParent]), default);

        Assert.DoesNotContain("0af7651916cd43dd8448eb211c80319c", parent, StringComparison.Ordinal);
    }
}

/// <summary>Values of common response fields are reused from answer to answer, never those private to a user.</summary>
public sealed class ResponseHeadFieldTests
{
    private static ResponseHead Parse(string head) => ResponseHead.Parse(Encoding.Latin1.GetBytes(head));

    [Fact]
    public void ARepeatedValue_IsTheSameString_AChangedOneIsRead()
    {
        var first = Parse("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n");
        var second = Parse("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n");
        var third = Parse("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 2\r\n\r\n");

        Assert.Same(first.Fields[0].Value, second.Fields[0].Value);
        Assert.Equal("application/json", second.Fields[0].Value);
        Assert.Equal(("Content-Type", "text/html; charset=utf-8"), third.Fields[0]);
        Assert.Equal(2, third.ContentLength);
    }

    [Fact]
    public void Cookies_AreNeverReused()
    {
        var first = Parse("HTTP/1.1 200 OK\r\nSet-Cookie: session_id=abc; HttpOnly\r\nContent-Length: 0\r\n\r\n");
        var second = Parse("HTTP/1.1 200 OK\r\nSet-Cookie: session_id=abc; HttpOnly\r\nContent-Length: 0\r\n\r\n");

        Assert.Equal(first.Fields[0], second.Fields[0]);
        Assert.NotSame(first.Fields[0].Value, second.Fields[0].Value);
    }

    [Fact]
    public void AnUnusualSpelling_IsKeptAsSent()
    {
        var head = Parse("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nX-Odoo: 1\r\nContent-Length: 0\r\n\r\n");

        Assert.Equal([("content-type", "application/json"), ("X-Odoo", "1")], head.Fields);
    }

    [Theory]
    [InlineData("42", 42L)]
    [InlineData("42, 42", 42L)]
    [InlineData(" 7 ,7", 7L)]
    public void ContentLength_OneValueOrEqualRepeats(string value, long expected)
    {
        Assert.Equal(expected, Parse($"HTTP/1.1 200 OK\r\nContent-Length: {value}\r\n\r\n").ContentLength);
    }

    [Theory]
    [InlineData("4a")]
    [InlineData("42, 43")]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("1234567890123456789")]
    public void ContentLength_AnythingElse_IsRefused(string value)
    {
        Assert.Throws<HttpRequestException>(() => Parse($"HTTP/1.1 200 OK\r\nContent-Length: {value}\r\n\r\n"));
    }
}

using OdooLatencyProxy.Odoo.Logs;

namespace OdooLatencyProxy.Odoo.Tests.Logs;

public sealed class OdooAccessLineTests
{
    [Fact]
    public void Parse_RealOdoo17Line_GivesRequestStatusAndOdoosFigures()
    {
        var line = OdooAccessLine.Parse(
            "2026-11-30 06:14:43,724 19385 INFO ? werkzeug: 127.0.0.1 - - [30/Nov/2026 06:14:43] \"GET /web/health HTTP/1.1\" 200 - 1 0.016 1.914");

        Assert.NotNull(line);
        Assert.Equal(new DateTime(2026, 11, 30, 6, 14, 43, 724, DateTimeKind.Utc), line.Time);
        Assert.Equal(DateTimeKind.Utc, line.Time.Kind);
        Assert.Equal("?", line.Database);
        Assert.Equal("127.0.0.1", line.Client);
        Assert.Equal("GET", line.Method);
        Assert.Equal("/web/health", line.Target);
        Assert.Equal(200, line.Status);
        Assert.Equal(new OdooRequestCost(19385, 1, TimeSpan.FromSeconds(0.016), TimeSpan.FromSeconds(1.914)), line.Cost);
    }

    [Fact]
    public void Parse_TargetWithSpacesQuotesAndQueryString_IsCutBetweenMethodAndVersion()
    {
        var line = OdooAccessLine.Parse(
            "2026-11-30 06:14:43,724 7 INFO odoo werkzeug: 10.0.0.9 - - [30/Nov/2026 06:14:43] \"POST /shop/search term \"x\" ?q=a b HTTP/1.1\" 404 - 3 0.001 0.002");

        Assert.NotNull(line);
        Assert.Equal("POST", line.Method);
        Assert.Equal("/shop/search term \"x\" ?q=a b", line.Target);
        Assert.Equal(404, line.Status);
        Assert.Equal("odoo", line.Database);
    }

    [Fact]
    public void Parse_NoPerfFiguresOrDashes_HasNoCost()
    {
        var dashes = OdooAccessLine.Parse(
            "2026-11-30 06:14:43,724 7 INFO ? werkzeug: 127.0.0.1 - - [30/Nov/2026 06:14:43] \"GET /web/static/img/logo.png HTTP/1.1\" 304 - - - -");
        // A formatter without %(perf_info)s (a custom logging config) ends the line after the size.
        var none = OdooAccessLine.Parse(
            "2026-11-30 06:14:43,724 7 INFO ? werkzeug: 127.0.0.1 - - [30/Nov/2026 06:14:43] \"GET /web/login HTTP/1.1\" 200 1532 ");

        Assert.NotNull(dashes);
        Assert.Null(dashes.Cost);
        Assert.Equal(304, dashes.Status);
        Assert.NotNull(none);
        Assert.Null(none.Cost);
        Assert.Equal("/web/login", none.Target);
    }

    [Theory]
    [InlineData("2026-11-26 20:37:49,633 27801 INFO mydb odoo.addons.base.models.ir_cron: Job done: `Demo: ok` (0.002s). ")]
    [InlineData("  File \"/opt/odoo/odoo/http.py\", line 2189, in __call__")]
    [InlineData("2026-11-30 06:14:43,724 7 INFO ? werkzeug: 127.0.0.1 - - [30/Nov/2026 06:14:43] code 400, message Bad request syntax ('\\x16\\x03')")]
    [InlineData("2026-11-30 06:14:43,724 7 INFO ? werkzeug: 127.0.0.1 - - [30/Nov/2026 06:14:43] \"\\x16\\x03\\x01\" 400 - - - -")]
    [InlineData("")]
    public void Parse_OtherRecordsAndBadRequestLines_AreNoAccessLines(string text) => Assert.Null(OdooAccessLine.Parse(text));

    [Fact]
    public void Parse_InvalidUtf8DecodedWithReplacementCharacters_StillParses()
    {
        var bytes = "2026-11-30 06:14:43,724 7 INFO odoo werkzeug: 127.0.0.1 - - [30/Nov/2026 06:14:43] \"GET /shop/caf?? HTTP/1.1\" 200 - 5 0.010 0.020"u8.ToArray();
        var at = Array.IndexOf(bytes, (byte)'?');
        bytes[at] = 0xE9; // Latin-1 é: not UTF-8.
        bytes[at + 1] = 0xFF;

        var line = OdooAccessLine.Parse(System.Text.Encoding.UTF8.GetString(bytes));

        Assert.NotNull(line);
        Assert.Equal("/shop/caf\uFFFD\uFFFD", line.Target);
        Assert.Equal(5, line.Cost!.QueryCount);
    }

    [Theory]
    // Werkzeug 3 (uri_to_iri + its control table): UTF-8 decoded, controls/space/% and reserved characters kept quoted,
    // invalid bytes kept quoted, backslash doubled. The raw targets' canonical forms must agree with the logged ones.
    [InlineData("/a%0Ab?x=%20y%26z&q=%C3%A9%FF", "/a%0Ab?x=%20y%26z&q=é%FF")]
    [InlineData("/p%5Cq%22r", "/p\\\\q\"r")]
    [InlineData("/web/image/product.template/7/image_128?unique=1f2e", "/web/image/product.template/7/image_128?unique=1f2e")]
    [InlineData("/shop/%C2%85x", "/shop/\\x85x")]
    [InlineData("/%7Euser/a%2Fb", "/~user/a%2Fb")]
    public void CanonicalTarget_RawTargetAndWerkzeugsLoggedForm_Agree(string raw, string logged)
    {
        var line = OdooAccessLine.Parse(
            $"2026-11-30 06:14:43,724 7 INFO odoo werkzeug: 127.0.0.1 - - [30/Nov/2026 06:14:43] \"GET {logged} HTTP/1.1\" 200 - 1 0.001 0.001")!;

        Assert.Equal(OdooAccessLine.CanonicalTarget(raw), line.CanonicalTarget());
    }

    [Fact]
    public void Format_ThenParse_GivesTheSameFigures()
    {
        var time = new DateTime(2026, 11, 30, 7, 1, 2, 345, DateTimeKind.Utc);
        var cost = new OdooRequestCost(4242, 57, TimeSpan.FromSeconds(0.123), TimeSpan.FromSeconds(0.456));

        var text = OdooAccessLine.Format(time, "odoo", "10.1.2.3", "POST", "/web/dataset/call_button?t=1", 200, 4242, cost);
        var line = OdooAccessLine.Parse(text);

        Assert.Equal("2026-11-30 07:01:02,345 4242 INFO odoo werkzeug: 10.1.2.3 - - [30/Nov/2026 07:01:02] \"POST /web/dataset/call_button?t=1 HTTP/1.1\" 200 - 57 0.123 0.456", text);
        Assert.Equal(new OdooAccessLine(time, "odoo", "10.1.2.3", "POST", "/web/dataset/call_button?t=1", 200, cost), line);
    }
}

using System.IO.Compression;
using OdooLatencyProxy.Odoo.Classification;
using static OdooLatencyProxy.Odoo.Tests.Classification.Bodies;

namespace OdooLatencyProxy.Odoo.Tests.Classification;

public sealed class ResponseOutcomeDetectorTests
{
    private const string Json = "application/json; charset=utf-8";

    private static ResponseOutcome DetectJson(string body, bool complete = true) =>
        ResponseOutcomeDetector.Detect(200, Json, "", Utf8(body), complete);

    private static string Error(string name, int code = 200) =>
        "{\"jsonrpc\": \"2.0\", \"id\": 7, \"error\": {\"code\": " + code.ToString(System.Globalization.CultureInfo.InvariantCulture)
        + ", \"message\": \"Odoo Server Error\", \"data\": {\"name\": \"" + name
        + "\", \"debug\": \"Traceback (most recent call last):\\n  ...\", \"message\": \"Nope\", \"arguments\": [\"Nope\"], \"context\": {}}}}";

    [Theory]
    [InlineData("odoo.exceptions.UserError", OdooErrorClass.UserError)]
    [InlineData("odoo.exceptions.ValidationError", OdooErrorClass.ValidationError)]
    [InlineData("odoo.exceptions.AccessError", OdooErrorClass.AccessError)]
    [InlineData("odoo.exceptions.MissingError", OdooErrorClass.MissingError)]
    [InlineData("odoo.exceptions.RedirectWarning", OdooErrorClass.RedirectWarning)]
    [InlineData("odoo.exceptions.AccessDenied", OdooErrorClass.Other)]
    [InlineData("builtins.KeyError", OdooErrorClass.Other)]
    [InlineData("psycopg2.errors.SerializationFailure", OdooErrorClass.Other)]
    [InlineData("UserError", OdooErrorClass.UserError)]
    public void JsonRpcErrorInHttp200_IsAnRpcErrorWithItsClass(string name, OdooErrorClass expected) =>
        Assert.Equal(new ResponseOutcome(OdooOutcome.RpcError, expected), DetectJson(Error(name)));

    [Fact]
    public void Code100_IsSessionExpired() =>
        Assert.Equal(new ResponseOutcome(OdooOutcome.SessionExpired), DetectJson(Error("odoo.http.SessionExpiredException", 100)));

    [Fact]
    public void Code100AfterTheData_IsStillSessionExpired() =>
        Assert.Equal(new ResponseOutcome(OdooOutcome.SessionExpired),
            DetectJson("""{"error": {"data": {"name": "odoo.exceptions.UserError"}, "code": 100}, "id": 1}"""));

    [Fact]
    public void SessionExpiredExceptionName_WithoutCode_IsSessionExpired() =>
        Assert.Equal(new ResponseOutcome(OdooOutcome.SessionExpired),
            DetectJson("""{"error": {"data": {"name": "odoo.http.SessionExpiredException"}}}""", complete: false));

    [Fact]
    public void Result_IsOk_WhateverItHolds() =>
        Assert.Equal(ResponseOutcome.Ok, DetectJson("""{"jsonrpc": "2.0", "id": 1, "result": {"error": {"code": 100}}}"""));

    [Fact]
    public void KeyOrderAndSpacing_DoNotMatter()
    {
        const string body = """
            {"error":{"data":{"debug":"Traceback ...","context":{"name":"decoy"},"name":"odoo.exceptions.ValidationError"},
            "message":"Odoo Server Error","code":200},"id":3,"jsonrpc":"2.0"}
            """;

        Assert.Equal(new ResponseOutcome(OdooOutcome.RpcError, OdooErrorClass.ValidationError), DetectJson(body));
    }

    [Fact]
    public void NameAfterALongMessage_IsFoundWithinThePrefix()
    {
        var body = "{\"jsonrpc\": \"2.0\", \"id\": 1, \"error\": {\"code\": 200, \"message\": \"" + new string('m', 2000)
            + "\", \"data\": {\"message\": \"" + new string('d', 1000) + "\", \"name\": \"odoo.exceptions.AccessError\"}}}";

        Assert.Equal(new ResponseOutcome(OdooOutcome.RpcError, OdooErrorClass.AccessError), DetectJson(body, complete: false));
    }

    [Fact]
    public void PrefixEndingBeforeTheName_IsAnRpcErrorOfClassOther()
    {
        var body = Error("odoo.exceptions.UserError");
        var cut = body.IndexOf("odoo.exceptions", StringComparison.Ordinal) + 4;

        Assert.Equal(new ResponseOutcome(OdooOutcome.RpcError, OdooErrorClass.Other), DetectJson(body[..cut], complete: false));
    }

    [Fact]
    public void PrefixEndingBeforeErrorOrResult_IsOk()
    {
        Assert.Equal(ResponseOutcome.Ok, DetectJson("""{"jsonrpc": "2.0", "id": 1, "res""", complete: false));
        Assert.Equal(ResponseOutcome.Ok, DetectJson("""{"jsonrpc": "2.0", "id": 1, "err""", complete: false));
    }

    [Fact]
    public void NonRpcJson_IsOk()
    {
        Assert.Equal(ResponseOutcome.Ok, DetectJson("""{"lang": "en_US", "modules": {"web": {"messages": []}}}"""));
        Assert.Equal(ResponseOutcome.Ok, DetectJson("""[1, 2, 3]"""));
        Assert.Equal(ResponseOutcome.Ok, DetectJson("""{"status": "pass"}"""));
        Assert.Equal(ResponseOutcome.Ok, DetectJson("""{"error": null, "result": 1}"""));
    }

    [Fact]
    public void MalformedJsonAfterTheErrorKey_IsStillAnRpcError() =>
        Assert.Equal(OdooOutcome.RpcError, DetectJson("""{"error": {"code": 200, "data": {"name": oops""").Outcome);

    [Theory]
    [InlineData(2, OdooErrorClass.UserError)]
    [InlineData(4, OdooErrorClass.AccessError)]
    [InlineData(3, OdooErrorClass.Other)]
    [InlineData(1, OdooErrorClass.Other)]
    public void XmlRpcFaultWithAnIntCode_IsAnRpcError(int code, OdooErrorClass expected)
    {
        var body = "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n<member>\n<name>faultCode</name>\n"
            + $"<value><int>{code}</int></value>\n</member>\n<member>\n<name>faultString</name>\n<value><string>Nope</string></value>\n"
            + "</member>\n</struct></value>\n</fault>\n</methodResponse>\n";

        Assert.Equal(new ResponseOutcome(OdooOutcome.RpcError, expected), ResponseOutcomeDetector.Detect(200, "text/xml", "", Utf8(body), true));
    }

    [Theory]
    [InlineData("warning -- UserError", OdooErrorClass.UserError)]
    [InlineData("warning -- ValidationError", OdooErrorClass.ValidationError)]
    [InlineData("warning -- MissingError", OdooErrorClass.MissingError)]
    [InlineData("warning -- AccessError", OdooErrorClass.AccessError)]
    [InlineData("warning -- Warning", OdooErrorClass.RedirectWarning)]
    [InlineData("AccessDenied", OdooErrorClass.Other)]
    public void LegacyXmlRpcFaultWithAStringCode_GivesTheClass(string faultCode, OdooErrorClass expected)
    {
        var body = "<?xml version='1.0'?><methodResponse><fault><value><struct><member><name>faultString</name><value><string></string></value></member>"
            + $"<member><name>faultCode</name><value><string>{faultCode}\n\nThe message</string></value></member></struct></value></fault></methodResponse>";

        Assert.Equal(new ResponseOutcome(OdooOutcome.RpcError, expected), ResponseOutcomeDetector.Detect(200, "text/xml; charset=utf-8", "", Utf8(body), true));
    }

    [Fact]
    public void XmlRpcParams_IsOk_EvenWhenTheValueMentionsAFault()
    {
        const string body = "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><string>&lt;fault&gt;</string></value>\n</param>\n</params>\n</methodResponse>\n";

        Assert.Equal(ResponseOutcome.Ok, ResponseOutcomeDetector.Detect(200, "text/xml", "", Utf8(body), true));
    }

    [Theory]
    [InlineData(400, OdooOutcome.ClientError)]
    [InlineData(403, OdooOutcome.ClientError)]
    [InlineData(404, OdooOutcome.ClientError)]
    [InlineData(422, OdooOutcome.ClientError)]
    [InlineData(500, OdooOutcome.ServerError)]
    [InlineData(502, OdooOutcome.ServerError)]
    [InlineData(101, OdooOutcome.Ok)]
    [InlineData(204, OdooOutcome.Ok)]
    [InlineData(303, OdooOutcome.Ok)]
    [InlineData(304, OdooOutcome.Ok)]
    public void HttpStatus_DecidesOutsideTwoHundred(int status, OdooOutcome expected)
    {
        // JSON-2 (19) reports errors with real statuses and a JSON body; the status decides.
        var body = Utf8("""{"name": "odoo.exceptions.UserError", "message": "Nope", "arguments": ["Nope"], "context": {}, "debug": ""}""");

        Assert.Equal(new ResponseOutcome(expected), ResponseOutcomeDetector.Detect(status, Json, "", body, true));
    }

    [Fact]
    public void NonJsonNonXmlContent_IsJudgedByStatus()
    {
        Assert.Equal(ResponseOutcome.Ok, ResponseOutcomeDetector.Detect(200, "text/html; charset=utf-8", "", Utf8(Error("odoo.exceptions.UserError")), true));
        Assert.False(ResponseOutcomeDetector.ShouldInspectBody(200, "image/png"));
        Assert.False(ResponseOutcomeDetector.ShouldInspectBody(500, Json));
        Assert.True(ResponseOutcomeDetector.ShouldInspectBody(200, Json));
        Assert.True(ResponseOutcomeDetector.ShouldInspectBody(200, "text/xml"));
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    [InlineData("br")]
    public void CompressedResponsePrefix_IsDecompressedAndJudged(string encoding)
    {
        var body = Utf8(Error("odoo.exceptions.ValidationError") + new string(' ', 20_000));
        var compressed = Compress(body, encoding);

        var whole = ResponseOutcomeDetector.Detect(200, Json, encoding, compressed, true);
        var prefix = ResponseOutcomeDetector.Detect(200, Json, encoding, compressed.AsSpan(0, Math.Min(compressed.Length, 200)), false);

        Assert.Equal(new ResponseOutcome(OdooOutcome.RpcError, OdooErrorClass.ValidationError), whole);
        Assert.Equal(OdooOutcome.RpcError, prefix.Outcome);
    }

    [Fact]
    public void UnknownEncoding_IsJudgedByStatus() =>
        Assert.Equal(ResponseOutcome.Ok, ResponseOutcomeDetector.Detect(200, Json, "zstd", Utf8(Error("odoo.exceptions.UserError")), true));

    [Fact]
    public void OutcomeAndErrorNames_AreTheMetricContractValues()
    {
        Assert.Equal(
            ["ok", "rpc_error", "session_expired", "client_error", "server_error", "upstream_error", "timeout", "rejected", "client_abort"],
            Enum.GetValues<OdooOutcome>().Select(o => o.ToAttributeValue()));
        Assert.Equal(
            [null, "UserError", "ValidationError", "AccessError", "MissingError", "RedirectWarning", "other"],
            Enum.GetValues<OdooErrorClass>().Select(c => c.ToAttributeValue()));
        Assert.Equal("rpc_error/UserError", new ResponseOutcome(OdooOutcome.RpcError, OdooErrorClass.UserError).ToString());
        Assert.Equal("timeout", new ResponseOutcome(OdooOutcome.Timeout).ToString());
    }

    private static byte[] Compress(byte[] body, string encoding)
    {
        using var output = new MemoryStream();
        using (Stream compressor = encoding switch
        {
            "gzip" => new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true),
            "deflate" => new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true),
            _ => new BrotliStream(output, CompressionLevel.Fastest, leaveOpen: true),
        })
        {
            compressor.Write(body);
        }

        return output.ToArray();
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using OdooLatencyProxy.Testing.Http;
using OdooSimulator.Tests.Support;

namespace OdooSimulator.Tests.Routing;

public sealed class JsonRpcTests
{
    // Key order of the captured Odoo 17 errors (odoo17-webclient.jsonl seq 121 and 148).
    private static readonly string[] EnvelopeKeys = ["jsonrpc", "id", "error"];
    private static readonly string[] ErrorKeys = ["code", "message", "data"];
    private static readonly string[] DataKeys = ["name", "debug", "message", "arguments", "context"];

    [Fact]
    public async Task CallButtonActionConfirm_AnswersFalse_EchoingTheId_WithCapturedHeaders()
    {
        await using var sim = await Sim.StartAsync();
        const string body = """{"id":27,"jsonrpc":"2.0","method":"call","params":{"args":[[9]],"kwargs":{"context":{"lang":"en_US"}},"method":"action_confirm","model":"sale.order"}}""";

        var response = await RawHttp.PostAsync(sim.HttpUri, "/web/dataset/call_button", body);

        Assert.Equal(200, response.Status);
        Assert.Equal("{\"jsonrpc\": \"2.0\", \"id\": 27, \"result\": false}", response.BodyText);
        Assert.Equal(["Server", "Date", "Content-Length", "Content-Type", "X-Content-Type-Options", "Connection"], response.Headers.Select(h => h.Key));
        Assert.Equal("Werkzeug/2.2.2 Python/3.11.2", response.Header("Server"));
        Assert.Equal("application/json; charset=utf-8", response.Header("Content-Type"));
        Assert.Equal(1, sim.OperationCounts()[SimOperations.SaleOrderConfirm]);
    }

    [Fact]
    public async Task CallButtonOnOdoo18Path_IsClassifiedFromTheUrl()
    {
        await using var sim = await Sim.StartAsync();

        var response = await RawHttp.PostAsync(sim.HttpUri, "/web/dataset/call_button/account.move/action_post", """{"id":3,"jsonrpc":"2.0","method":"call","params":{"args":[[8]],"kwargs":{}}}""");

        Assert.Equal("{\"jsonrpc\": \"2.0\", \"id\": 3, \"result\": false}", response.BodyText);
        Assert.Equal(1, sim.OperationCounts()[SimOperations.InvoicePost]);
    }

    [Fact]
    public async Task CreateInvoicesButton_ReturnsAnActionDictionary()
    {
        await using var sim = await Sim.StartAsync();

        var response = await RawHttp.PostAsync(sim.HttpUri, "/web/dataset/call_button", Sim.Rpc(4, "sale.advance.payment.inv", "create_invoices", "[[4]]"));

        var result = Parse(response)["result"]!.AsObject();
        Assert.Equal("ir.actions.act_window", result["type"]!.GetValue<string>());
        Assert.Equal("account.move", result["res_model"]!.GetValue<string>());
        Assert.Equal(1, sim.OperationCounts()[SimOperations.InvoiceCreate]);
    }

    [Fact]
    public async Task WebRead_ReturnsAListOfRecordsShapedByTheSpecification_AndSkipsMissingIds()
    {
        await using var sim = await Sim.StartAsync();
        var kwargs = """{"specification":{"name":{},"state":{},"amount_total":{},"partner_id":{"fields":{"display_name":{}}},"order_line":{}}}""";

        var response = await RawHttp.PostAsync(sim.HttpUri, "/web/dataset/call_kw/sale.order/web_read", Sim.Rpc(29, "sale.order", "web_read", "[[9, 999999]]", kwargs));

        var json = Parse(response);
        Assert.Equal(29, json["id"]!.GetValue<int>());
        var record = Assert.Single(json["result"]!.AsArray())!.AsObject();
        Assert.Equal(["id", "name", "state", "amount_total", "partner_id", "order_line"], record.Select(p => p.Key));
        Assert.Equal(9, record["id"]!.GetValue<int>());
        Assert.Equal("S00009", record["name"]!.GetValue<string>());
        Assert.Contains("\"amount_total\": 0.0", response.BodyText, StringComparison.Ordinal);
        Assert.NotNull(record["partner_id"]!["display_name"]);
        Assert.Equal(1, sim.OperationCounts()[SimOperations.UiRead]);
    }

    [Fact]
    public async Task WebSearchRead_ReturnsLengthAndRecords()
    {
        await using var sim = await Sim.StartAsync();

        var response = await RawHttp.PostAsync(sim.HttpUri, "/web/dataset/call_kw/sale.order/web_search_read", Sim.Rpc(7, "sale.order", "web_search_read", "[]", """{"specification":{"name":{}},"limit":5}"""));

        var result = Parse(response)["result"]!;
        Assert.Equal(5, result["records"]!.AsArray().Count);
        Assert.True(result["length"]!.GetValue<int>() >= 5);
    }

    [Fact]
    public async Task WebSaveOfANewRecord_ReturnsAListWithItsNewId()
    {
        await using var sim = await Sim.StartAsync();

        var response = await RawHttp.PostAsync(sim.HttpUri, "/web/dataset/call_kw/sale.order/web_save", Sim.Rpc(7, "sale.order", "web_save", """[[], {"partner_id": 7}]""", """{"specification":{"name":{},"state":{}}}"""));

        var record = Assert.Single(Parse(response)["result"]!.AsArray())!;
        Assert.True(record["id"]!.GetValue<long>() > 0);
        Assert.Equal("draft", record["state"]!.GetValue<string>());
        Assert.Equal(1, sim.OperationCounts()[SimOperations.UiWrite]);
    }

    [Fact]
    public async Task JsonRpcExecuteKw_RunsTheModelMethodFromTheArguments()
    {
        await using var sim = await Sim.StartAsync();
        const string body = """{"jsonrpc":"2.0","method":"call","id":3,"params":{"service":"object","method":"execute_kw","args":["odoo",2,"admin","account.move","action_post",[[8]],{}]}}""";

        var response = await RawHttp.PostAsync(sim.HttpUri, "/jsonrpc", body);

        Assert.Equal("{\"jsonrpc\": \"2.0\", \"id\": 3, \"result\": true}", response.BodyText);
        Assert.Equal(1, sim.OperationCounts()[SimOperations.InvoicePost]);
    }

    [Fact]
    public async Task JsonRpcExecuteKw_WithAWrongPassword_GivesAccessDenied()
    {
        await using var sim = await Sim.StartAsync();
        const string body = """{"jsonrpc":"2.0","method":"call","id":3,"params":{"service":"object","method":"execute_kw","args":["odoo",2,"nope","res.partner","read",[[1]],{}]}}""";

        var response = await RawHttp.PostAsync(sim.HttpUri, "/jsonrpc", body);

        Assert.Equal("odoo.exceptions.AccessDenied", Parse(response)["error"]!["data"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task RpcErrorHeader_GivesAUserErrorShapedLikeTheCapture_InAnHttp200()
    {
        await using var sim = await Sim.StartAsync();

        var response = await RawHttp.PostAsync(sim.HttpUri, "/web/dataset/call_button", Sim.Rpc(76, "account.move", "action_post", "[[10]]"), ("X-Sim-Fail", "rpc_error"));

        Assert.Equal(200, response.Status);
        var json = Parse(response);
        AssertErrorShape(json, expectedCode: 200, expectedName: "odoo.exceptions.UserError");
        Assert.Equal(76, json["id"]!.GetValue<int>());
        Assert.Equal("Odoo Server Error", json["error"]!["message"]!.GetValue<string>());
        Assert.Equal("You need to add a line before posting.", json["error"]!["data"]!["message"]!.GetValue<string>());
        Assert.StartsWith("{\"jsonrpc\": \"2.0\", \"id\": 76, \"error\": {\"code\": 200, \"message\": \"Odoo Server Error\", \"data\": {\"name\": \"odoo.exceptions.UserError\", \"debug\": \"Traceback", response.BodyText, StringComparison.Ordinal);
        Assert.Null(response.Header("X-Content-Type-Options"));
    }

    [Fact]
    public async Task RpcErrorOnCallKw_NamesTheModelAndMethodInItsMessage()
    {
        await using var sim = await Sim.StartAsync();

        var response = await RawHttp.PostAsync(sim.HttpUri, "/web/dataset/call_kw/res.partner/write", Sim.Rpc(5, "res.partner", "write", "[[1], {}]"), ("X-Sim-Fail", "rpc_error"));

        var data = Parse(response)["error"]!["data"]!;
        Assert.Contains("res.partner.write", data["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.EndsWith("odoo.exceptions.UserError: " + data["message"]!.GetValue<string>() + "\n", data["debug"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SessionExpiredHeader_GivesCode100WithANullId_AsOdooRejectsTheSessionBeforeReadingTheBody()
    {
        await using var sim = await Sim.StartAsync();

        var response = await RawHttp.PostAsync(sim.HttpUri, "/web/dataset/call_kw/sale.order/web_search_read", Sim.Rpc(1, "sale.order", "web_search_read"), ("X-Sim-Fail", "session_expired"));

        Assert.Equal(200, response.Status);
        var json = Parse(response);
        AssertErrorShape(json, expectedCode: 100, expectedName: "odoo.http.SessionExpiredException");
        Assert.Equal(JsonValueKind.Null, json["id"]?.GetValueKind() ?? JsonValueKind.Null);
        Assert.Equal("Odoo Session Expired", json["error"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task SessionExpiredOnAPage_RedirectsToTheLoginPage()
    {
        await using var sim = await Sim.StartAsync();

        var response = await RawHttp.GetAsync(sim.HttpUri, "/web", ("X-Sim-Fail", "session_expired"));

        Assert.Equal(303, response.Status);
        Assert.Equal("/web/login?redirect=%2Fweb%3F", response.Header("Location"));
    }

    [Fact]
    public async Task ServerErrorHeader_GivesWerkzeugs500Page()
    {
        await using var sim = await Sim.StartAsync();

        var response = await RawHttp.PostAsync(sim.HttpUri, "/web/dataset/call_button", Sim.Rpc(1, "sale.order", "action_confirm"), ("X-Sim-Fail", "server_error"));

        Assert.Equal(500, response.Status);
        Assert.Equal("INTERNAL SERVER ERROR", response.Reason);
        Assert.Contains("<title>500 Internal Server Error</title>", response.BodyText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorRates_FailTheirOperation_ReproduciblyForTheSameSeed()
    {
        var options = new SimulatorOptions { Workers = 1, LatencyScale = 0, Seed = 42, ErrorRates = new Dictionary<string, double> { [SimOperations.SaleOrderConfirm] = 0.5 } };

        async Task<string> RunAsync()
        {
            await using var sim = await Sim.StartAsync(options);
            var outcomes = new List<char>();
            for (var i = 0; i < 40; i++)
            {
                var response = await RawHttp.PostAsync(sim.HttpUri, "/web/dataset/call_button", Sim.Rpc(i, "sale.order", "action_confirm", "[[1]]"));
                outcomes.Add(Parse(response).ContainsKey("error") ? 'E' : '.');
                Assert.Equal(200, (await RawHttp.GetAsync(sim.HttpUri, "/web/health")).Status);
            }

            return new string([.. outcomes]);
        }

        var first = await RunAsync();
        var second = await RunAsync();

        Assert.Equal(first, second);
        Assert.Contains('E', first);
        Assert.Contains('.', first);
    }

    [Fact]
    public async Task InvalidJson_GivesOdoosBadRequestError()
    {
        await using var sim = await Sim.StartAsync();

        var response = await RawHttp.PostAsync(sim.HttpUri, "/web/dataset/call_kw/res.partner/read", "{not json");

        Assert.Equal(200, response.Status);
        AssertErrorShape(Parse(response), expectedCode: 200, expectedName: "werkzeug.exceptions.BadRequest");
    }

    [Fact]
    public async Task Authenticate_ReturnsTheSessionInfo_AndASessionCookieThatOpensTheWebClient()
    {
        await using var sim = await Sim.StartAsync();

        var login = await RawHttp.PostAsync(sim.HttpUri, "/web/session/authenticate", """{"jsonrpc":"2.0","method":"call","id":1,"params":{"db":"odoo","login":"admin","password":"admin"}}""");
        var cookie = login.Header("Set-Cookie")!;
        var sessionId = cookie.Split(';')[0];
        var web = await RawHttp.GetAsync(sim.HttpUri, "/web", ("Cookie", sessionId));
        var anonymous = await RawHttp.GetAsync(sim.HttpUri, "/web");

        var result = Parse(login)["result"]!;
        Assert.Equal(2, result["uid"]!.GetValue<int>());
        Assert.Equal("odoo", result["db"]!.GetValue<string>());
        Assert.Matches("^session_id=[0-9a-f]{40}; Expires=.+; Max-Age=604800; HttpOnly; Path=/$", cookie);
        Assert.Equal(200, web.Status);
        Assert.Contains("odoo.__session_info__", web.BodyText, StringComparison.Ordinal);
        Assert.Equal(303, anonymous.Status);
        Assert.Equal("/web/login", anonymous.Header("Location"));
        Assert.Equal(1, sim.OperationCounts()[SimOperations.AuthLogin]);
    }

    [Fact]
    public async Task Authenticate_WithAWrongPassword_GivesAccessDenied()
    {
        await using var sim = await Sim.StartAsync();

        var response = await RawHttp.PostAsync(sim.HttpUri, "/web/session/authenticate", """{"jsonrpc":"2.0","method":"call","id":9,"params":{"db":"odoo","login":"admin","password":"wrong"}}""");

        var json = Parse(response);
        AssertErrorShape(json, expectedCode: 200, expectedName: "odoo.exceptions.AccessDenied");
        Assert.Equal(9, json["id"]!.GetValue<int>());
        Assert.Null(response.Header("Set-Cookie"));
    }

    [Fact]
    public async Task LoginForm_RedirectsToTheWebClientWithARotatedSession_OrShowsTheLoginPageAgain()
    {
        await using var sim = await Sim.StartAsync();

        var page = await RawHttp.GetAsync(sim.HttpUri, "/web/login");
        var good = await RawHttp.SendAsync(sim.HttpUri, "POST", "/web/login", [("Content-Type", "application/x-www-form-urlencoded"), ("Cookie", "session_id=anonymous")], "csrf_token=x&login=admin&password=admin&redirect="u8.ToArray());
        var bad = await RawHttp.SendAsync(sim.HttpUri, "POST", "/web/login", [("Content-Type", "application/x-www-form-urlencoded")], "csrf_token=x&login=admin&password=no"u8.ToArray());

        Assert.Equal(200, page.Status);
        Assert.Contains("oe_login_form", page.BodyText, StringComparison.Ordinal);
        Assert.DoesNotContain("{{csrf_token}}", page.BodyText, StringComparison.Ordinal);
        Assert.Equal(303, good.Status);
        Assert.Equal("/web", good.Header("Location"));
        Assert.DoesNotContain("session_id=anonymous", good.Header("Set-Cookie")!, StringComparison.Ordinal);
        Assert.Equal(200, bad.Status);
        Assert.Contains("Wrong login/password", bad.BodyText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json2_UsesRealHttpStatusCodes()
    {
        await using var sim = await Sim.StartAsync();

        var ok = await RawHttp.PostAsync(sim.HttpUri, "/json/2/res.partner/search_read", """{"domain":[],"fields":["name"],"limit":2}""", ("Authorization", "bearer key"));
        var unauthorized = await RawHttp.PostAsync(sim.HttpUri, "/json/2/res.partner/search_read", "{}");
        var userError = await RawHttp.PostAsync(sim.HttpUri, "/json/2/sale.order/action_confirm", """{"ids":[1]}""", ("Authorization", "bearer key"), ("X-Sim-Fail", "rpc_error"));

        Assert.Equal(200, ok.Status);
        Assert.Equal(2, JsonNode.Parse(ok.Body)!.AsArray().Count);
        Assert.Equal(401, unauthorized.Status);
        Assert.Equal(422, userError.Status);
        Assert.Equal("odoo.exceptions.UserError", JsonNode.Parse(userError.Body)!["name"]!.GetValue<string>());
    }

    private static JsonObject Parse(RawResponse response) => JsonNode.Parse(response.Body)!.AsObject();

    private static void AssertErrorShape(JsonObject json, int expectedCode, string expectedName)
    {
        Assert.Equal(EnvelopeKeys, json.Select(p => p.Key));
        var error = json["error"]!.AsObject();
        Assert.Equal(ErrorKeys, error.Select(p => p.Key));
        Assert.Equal(expectedCode, error["code"]!.GetValue<int>());
        var data = error["data"]!.AsObject();
        Assert.Equal(DataKeys, data.Select(p => p.Key));
        Assert.Equal(expectedName, data["name"]!.GetValue<string>());
        Assert.StartsWith("Traceback (most recent call last):\n", data["debug"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Array, data["arguments"]!.GetValueKind());
        Assert.Empty(data["context"]!.AsObject());
    }
}

using System.Text;

namespace OdooLatencyProxy.Odoo.Tests.Classification;

/// <summary>Request bodies shaped like the ones Odoo's clients send.</summary>
internal static class Bodies
{
    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>The browser's call_button body (17): no spaces, args and kwargs before method and model.</summary>
    public static byte[] BrowserCallButton(string model, string method) => Utf8(
        "{\"id\":27,\"jsonrpc\":\"2.0\",\"method\":\"call\",\"params\":{\"args\":[[9]],\"kwargs\":{\"context\":{\"lang\":\"en_US\",\"tz\":\"Europe/Brussels\",\"uid\":2,\"allowed_company_ids\":[1],\"validate_analytic\":true}},"
        + $"\"method\":\"{method}\",\"model\":\"{model}\"}}}}");

    /// <summary>A Python client's body: spaces, model and method first.</summary>
    public static byte[] PythonCallButton(string model, string method) => Utf8(
        $"{{\"id\": 9, \"jsonrpc\": \"2.0\", \"method\": \"call\", \"params\": {{\"model\": \"{model}\", \"method\": \"{method}\", \"args\": [[10]], \"kwargs\": {{\"context\": {{\"lang\": \"en_US\"}}}}}}}}");

    public static byte[] JsonRpcExecuteKw(string model, string method, string service = "object", string rpcMethod = "execute_kw") => Utf8(
        $"{{\"jsonrpc\": \"2.0\", \"method\": \"call\", \"params\": {{\"service\": \"{service}\", \"method\": \"{rpcMethod}\", "
        + $"\"args\": [\"mydb\", 2, \"PASSWORD\", \"{model}\", \"{method}\", [[7]], {{\"context\": {{}}}}]}}, \"id\": 1}}");

    /// <summary>What Python's xmlrpc.client sends for models.execute_kw(db, uid, password, model, method, [[id]]).</summary>
    public static byte[] XmlRpcExecuteKw(string model, string method, string methodName = "execute_kw") => Utf8(
        $"<?xml version='1.0'?>\n<methodCall>\n<methodName>{methodName}</methodName>\n<params>\n"
        + "<param>\n<value><string>mydb</string></value>\n</param>\n"
        + "<param>\n<value><int>2</int></value>\n</param>\n"
        + "<param>\n<value><string>PASSWORD</string></value>\n</param>\n"
        + $"<param>\n<value><string>{model}</string></value>\n</param>\n"
        + $"<param>\n<value><string>{method}</string></value>\n</param>\n"
        + "<param>\n<value><array><data>\n<value><array><data>\n<value><int>7</int></value>\n</data></array></value>\n</data></array></value>\n</param>\n"
        + "</params>\n</methodCall>\n");

    /// <summary>The same body with the record id 10 of <see cref="PythonCallButton"/> replaced.</summary>
    public static byte[] Replace10With(this byte[] body, int id) => Utf8(Encoding.UTF8.GetString(body).Replace("[[10]]", $"[[{id}]]", StringComparison.Ordinal));

    /// <summary>The same body with the record id 9 of <see cref="BrowserCallButton"/> replaced.</summary>
    public static byte[] Replace9With(this byte[] body, int id) => Utf8(Encoding.UTF8.GetString(body).Replace("[[9]]", $"[[{id}]]", StringComparison.Ordinal));

    public static byte[] ActionRun(string actionIdJson) => Utf8(
        $"{{\"id\":5,\"jsonrpc\":\"2.0\",\"method\":\"call\",\"params\":{{\"action_id\":{actionIdJson},\"context\":{{\"active_model\":\"sale.order\",\"active_ids\":[9]}}}}}}");
}

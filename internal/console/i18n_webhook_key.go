package console

// webhookKeyMessages are the texts of a person's webhook key rotation: how long
// the replaced key keeps signing (keyGraces), and the directory's note of until when.
var webhookKeyMessages = map[string]message{
	"dir.grace":       {"Keep the old key signing for", "旧密钥继续签名的时长"},
	"dir.grace.day":   {"1 day (the default)", "1 天（默认）"},
	"dir.grace.week":  {"7 days", "7 天"},
	"dir.grace.none":  {"none — after a leak", "不保留（密钥泄露后）"},
	"dir.previouskey": {"old key signs until", "旧密钥签名至"},
}

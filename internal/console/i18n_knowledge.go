package console

// knowledgeMessages are the knowledge base's pages, the complaint page's panel of
// articles and a stale-knowledge alert's evidence.
var knowledgeMessages = map[string]message{
	"nav.knowledge":   {"Knowledge", "知识库"},
	"title.knowledge": {"Knowledge base", "知识库"},
	"title.article":   {"Knowledge article", "知识库文章"},

	"kb.title":        {"Knowledge base", "知识库"},
	"kb.help":         {"Frequent questions and their standard answers, each kept current by its owner. An article past its review date is stale.", "常见问题及标准化解决方案，每篇由负责人定期复核；超过复核日期的文章为过期。"},
	"kb.q":            {"Search", "搜索"},
	"kb.staleonly":    {"Stale only", "仅过期"},
	"kb.search":       {"Search", "搜索"},
	"kb.caption":      {"Live articles, newest first", "有效文章，最新在前"},
	"kb.articletitle": {"Title", "标题"},
	"kb.reviewed":     {"Reviewed", "复核于"},
	"kb.due":          {"Review due", "下次复核"},
	"kb.stale":        {"stale", "已过期"},
	"kb.none":         {"No article matches.", "没有匹配的文章。"},
	"kb.next":         {"Older articles", "更早的文章"},
	"kb.new":          {"New article", "新建文章"},
	"kb.create":       {"Create article", "创建文章"},
	"kb.whowrites":    {"Articles are written by:", "可撰写文章的角色："},
	"kb.body":         {"Answer", "解答"},
	"kb.keywordshint": {"Separated by commas.", "以逗号分隔。"},
	"kb.every":        {"Review every (days)", "复核周期（天）"},
	"kb.back":         {"All articles", "全部文章"},
	"kb.updated":      {"Last changed", "最后修改"},
	"kb.retired":      {"Retired", "已停用"},
	"kb.review":       {"Mark reviewed", "标记已复核"},
	"kb.reviewhint":   {"You read the article and it is still current.", "已阅读本文，内容仍然有效。"},
	"kb.edit":         {"Edit", "编辑"},
	"kb.save":         {"Save (counts as a review)", "保存（视为复核）"},
	"kb.retire":       {"Retire", "停用"},
	"kb.retirehint":   {"The article leaves the list and the risk monitor; it stays readable here.", "文章将移出列表和风险监测，仍可在此查看。"},
	"kb.notyours":     {"You may read this article but not change it:", "你可以阅读本文，但不能修改："},

	"kb.panel":       {"Knowledge", "知识库"},
	"kb.panelnone":   {"No article of this category holds the complaint's keywords.", "该类别中没有包含本投诉关键词的文章。"},
	"kb.panelsearch": {"Search the knowledge base", "搜索知识库"},

	"rk.kb.title":   {"Stale knowledge: articles past their review date", "知识库更新滞后：超过复核日期的文章"},
	"rk.kb.rate":    {"Knowledge update rate", "知识更新率"},
	"rk.kb.overall": {"everyone's", "全员"},
	"rk.kb.left":    {"the owner left the directory", "负责人已离开组织目录"},
}

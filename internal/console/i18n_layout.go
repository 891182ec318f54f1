package console

// layoutMessages are the texts of the console's layout: what a table or chart says
// when it has nothing to show.
var layoutMessages = map[string]message{
	"dash.nodata": {"No data in this period", "此时间段内无数据"},
}

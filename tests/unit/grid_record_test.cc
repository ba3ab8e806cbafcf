// The style grid's result record: the row it stores is the row grids stored before the type existed (so runs made
// then resume and report unchanged), it reads back to the same record, and a damaged row is refused naming the row
// and the field.
#include "grid/grid_record.h"

#include <gtest/gtest.h>

#include "core/atomic_file.h"
#include "core/error.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

GridRecord depth_aware_record() {
  GridRecord record;
  record.content = "aloeL";
  record.style = "starry_night";
  record.setting.method = StyleMethod::kDepthAware;
  record.setting.uses_strength = true;
  record.setting.depth = "map";
  record.setting.beta = 20;
  record.setting.eps = 0.15;
  record.content_size = 512;
  record.style_size = 256;
  record.key = grid_cell_key(record.content, record.style, record.setting, 512, 256);
  record.width = 683;
  record.height = 512;
  record.output = "images/" + record.key + ".png";
  record.proximity_map = "maps/content=aloeL,depth=map,content_size=512.proximity.png";
  record.seconds_pair = 1.25;
  record.seconds_cell = 0.5;
  record.backbone = "pyramid";
  record.content_sha256 = std::string(64, 'c');
  record.style_sha256 = std::string(64, 's');
  return record;
}

TEST(GridRecord, StoresTheRowGridsAlwaysStored) {
  // The row of this cell as style_grid_run.cc wrote it before the record existed (absent fields absent, unused
  // parameters null).
  const nlohmann::json expected = nlohmann::json::parse(R"({
    "key": "content=aloeL,style=starry_night,method=da-adain,depth=map,beta=20,eps=0.15,content_size=512,style_size=256",
    "content": "aloeL", "style": "starry_night", "style_mode": "single", "method": "da-adain",
    "content_weight": null, "depth": "map", "beta": 20.0, "eps": 0.15, "content_size": 512, "style_size": 256,
    "backbone": "pyramid", "content_sha256": "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc",
    "style_sha256": "ssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssss",
    "output": "images/content=aloeL,style=starry_night,method=da-adain,depth=map,beta=20,eps=0.15,content_size=512,style_size=256.png",
    "width": 683, "height": 512, "proximity_map": "maps/content=aloeL,depth=map,content_size=512.proximity.png",
    "status": "ok", "seconds_pair": 1.25, "seconds_cell": 0.5})");
  EXPECT_EQ(to_json(depth_aware_record()), expected);
  EXPECT_EQ(to_json(depth_aware_record()).dump(), expected.dump());
}

TEST(GridRecord, ReadsBackTheSameRecordFromTheStoredRowAndFromResultsJson) {
  GridRecord record = depth_aware_record();
  record.scores = {{"depth_agreement", 0.75}, {"score_network", "pyramid"}};
  EXPECT_EQ(to_json(grid_record_from_json(to_json(record), "unit")), to_json(record));
  // results.json holds every column, null where a record has nothing.
  ResultTable table = grid_record_table(true);
  add_grid_record_row(table, record);
  const GridRecord from_table = grid_record_from_json(table.to_json().at(0), "results.json row 1");
  EXPECT_EQ(from_table.setting.beta, 20);
  EXPECT_EQ(from_table.score("depth_agreement"), 0.75);
  EXPECT_FALSE(from_table.score("depth_spearman").has_value());
  EXPECT_EQ(grid_setting_label(from_table, true), "DA-AdaIN, beta 20, eps 0.15, depth map");
  EXPECT_EQ(grid_pair_key(from_table), "content=aloeL,style=starry_night,content_size=512,style_size=256");
}

TEST(GridRecord, AFailedCellKeepsItsSettingAndError) {
  GridRecord failed;
  failed.key = "k";
  failed.content = "c";
  failed.style = "s";
  failed.setting.method = StyleMethod::kAdain;
  failed.setting.uses_content_weight = true;
  failed.setting.content_weight = 0.5;
  failed.status = CellStatus::kFailed;
  failed.error = "decoder ran out of memory";
  const nlohmann::json row = to_json(failed);
  EXPECT_EQ(row.at("status"), "failed");
  EXPECT_TRUE(row.at("content_sha256").is_null());
  EXPECT_FALSE(row.contains("output"));
  const GridRecord back = grid_record_from_json(row, "unit");
  EXPECT_FALSE(back.ok());
  EXPECT_EQ(back.error, "decoder ran out of memory");
  EXPECT_EQ(grid_setting_label(back, false), "AdaIN, content weight 0.5");
}

TEST(GridRecord, ADamagedRowIsRefusedNamingTheRowAndTheField) {
  nlohmann::json row = to_json(depth_aware_record());
  row.erase("content_size");
  EXPECT_THROW_MESSAGE(grid_record_from_json(row, "results.json row 4"), InputError,
                       "results.json row 4: missing field 'content_size'");
  row = to_json(depth_aware_record());
  row["beta"] = "twenty";
  EXPECT_THROW_MESSAGE(grid_record_from_json(row, "results.json row 2"), InputError,
                       "results.json row 2: field 'beta' must be a number, got \"twenty\"");
  row = to_json(depth_aware_record());
  row["method"] = "adian";
  EXPECT_THROW_MESSAGE(grid_record_from_json(row, "row"), UsageError, "adian");
  row = to_json(depth_aware_record());
  row["status"] = "done";
  EXPECT_THROW_MESSAGE(grid_record_from_json(row, "row"), InputError, "'status' must be \"ok\" or \"failed\"");

  const testing::TempDir dir;
  write_file_atomically(dir.path() / "results.json", "{\"key\": 1}");
  EXPECT_THROW_MESSAGE(read_grid_results(dir.path() / "results.json"), InputError,
                       "expected a JSON array of result rows");
}

}  // namespace
}  // namespace depthstyle

package assignors

import (
	"fmt"
	"hash/fnv"
	"sort"
	"strings"
	"testing"
)

// Cross-check against franz-go's sticky balancers (an independent
// implementation of KIP-54/KIP-429, franzref_test.go) on random groups of
// dynamic members followed through churn, owned := previous plan.
//
// Asserted for every rebalance (after cooperative follow-ups converge, for
// both implementations):
//   - ours is valid and balanced as Kafka defines it (stkRebalance);
//   - equal subscriptions: when franz-go's plan is balanced, both have the
//     same max-min spread and ours moves no more previously owned partitions
//     than franz-go's (Kafka's constrained builder keeps the most any
//     balanced plan can keep);
//   - unequal subscriptions: Kafka's general builder promises no minimum
//     stickiness, and it moves more partitions than franz-go in about 7% of
//     these rebalances. Kafka wins: every trajectory is pinned to Kafka's
//     exact answers (stkKafkaFranzTrajectories), which also makes this an
//     exactness test of both assignors on 8,800 rebalances.
// franz-go plans that are not balanced by Kafka's definition are franz-go's
// disagreement with Kafka, counted and logged, not failures.

// stkFranz runs franz-go's balancer as an Assignor.
type stkFranz struct{ name string }

func (f stkFranz) Name() string                  { return f.name }
func (f stkFranz) Assign(g *Group) (Plan, error) { return franzBalance(f.name, g) }

// stkFranzRebalance is stkRebalance for franz-go: one round, or the
// cooperative round and its follow-ups; it checks only validity.
func stkFranzRebalance(t *testing.T, name string, g *Group, gen int32) Plan {
	t.Helper()
	f := stkFranz{name}
	plan, err := f.Assign(g)
	if err != nil {
		t.Fatalf("franz-go %s: %v\ninput: %s", name, err, stkDescribe(g))
	}
	coop := name == "cooperative-sticky"
	if err := CheckPlan(g, plan, !coop); err != nil {
		t.Fatalf("franz-go %s: %v\ninput: %s\nplan: %s", name, err, stkDescribe(g), stkDescribePlan(plan))
	}
	if !coop {
		return plan
	}
	last, final, err := stkCoopFollowUps(f, g, plan, gen)
	if err != nil {
		t.Fatalf("franz-go %s: %v\ninput: %s", name, err, stkDescribe(g))
	}
	if err := CheckPlan(&last, final, true); err != nil {
		t.Fatalf("franz-go %s: after follow-ups: %v", name, err)
	}
	return final
}

// stkKafkaFranzTrajectories pins Kafka's answers along the trajectories of
// TestStickyFranzCrossCheck: per shape and assignor, one FNV-32a hash per
// group of the printed first-round and final plans of its rebalances, in
// order. They were computed by running Kafka's AbstractStickyAssignor /
// CooperativeStickyAssignor (commit-era source, rack-awareness off) on the
// same inputs; they are facts about Kafka, not about our implementation.
// Kafka's general builder moves more owned partitions than franz-go in about
// 7% of the unequal-subscription rebalances here; there Kafka wins, and
// these hashes are what make ours match Kafka rather than franz-go.
var stkKafkaFranzTrajectories = map[string]string{
	"equal/sticky": `
		6bf5c55d ccd29845 ea2bbe55 b61c5c99 f187f3cf 836692c5 b7c38b33 53da9b39 dfd14889 d9efe90d
		8d6cdf81 9f3711d1 07b8b22b ec913859 3f75438d 62160241 097e34f7 76b5c03b 5e27b67d e012566d
		ce1f32d9 98772c79 baacbd25 2ff46e41 cf2ad915 42449df5 ae70047f 93875e89 d88fa375 dd141051
		d0cfd9f7 4bbe12dd 526038bb d3ef0cd9 b54cad61 4597fde1 fc4e4969 ba54f399 286f2a59 1a090697
		c6e112e9 4a07e02d fc46ae0d 0deca6e5 103f9a63 6dc58441 59adac9d 9c132259 f0333e55 cd058b97
		dd2e745d 9ef0ac85 f297c43f f39b5f7d d061d781 39baf029 156992db 40955077 8e527add 30bc4ecf
		ce072caf 21712b3d 916d3f03 378c6bef 465fce87 3d20a769 e3a81375 cdf97f31 f65a59c7 0e38d123
		ae13f5df 08908dc3 2e2b9f9f b6fd9175 e0a351e3 712d2385 744d8677 ab2de9cb e012fb6f 09226f19
		4f487bc9 0a893a11 de12f3dd 581de929 6ec656b5 280ca051 2e04535b ff677eed 859b2943 7bf739bf
		6b162909 50ff90a3 51b11dab 1dab4e7d 8b3e55b3 b19965ab 0b887cbb acb69d13 bbd4fbfd f2fb16dd
		f3c093bd 9bdef25d 8f8716bf cf40fb2f 7e4a1967 3c5cfe11 1c32bc11 f18b27ed 9950bd2d a7f958e9
		cda09b97 23e8c745 ab5fb9fb c983e4df a8fd89ad 2956d5bd f01e12e5 7de8a5bd 5b4bf2df e6816d7d
		bf9e304b 114e07cd 20dff3d3 afbc1ddb 4d34251b 74e95ba7 55e4b569 50031d07 79a65be9 b21351e9
		9bc052c1 5f10597d 2e7fe243 83979be7 10a2e1f9 1ddae6f3 747e6cf7 8e961b7f 9f3fed21 8757e5b5
		17f81ee9 01e3a5e9 686800ed 11c58c7d 97b59ea5 19cd6563 57fde4cd 34ba73d9 1ae0a8bd 8903cf67
		cfd09983 f7b81185 1215d097 0901b5ab 5d8f4845 6f0726df 352bba59 097fcdcb 7ec61fb1 4fe1403d
		b0f1565d e4641a81 428037c5 7edd7553 7f1fcd09 5aeba889 e25cd3c3 130a4147 edb3eb67 efa66f81
		7ce24dcd f4c52577 0ff49acd 04154dbd 84afe3c5 d1dcf321 cb1913cd 8edbdec3 3f64997f c0addafd
		4d9419b5 63f720df 5874e72f da0cbf25 73bfc2bd 1f1befa9 4177ea5f 2a7399f9 1fa1bedf 5d07df13
		12d5e58d 81591315 9d489d15 c7954ffd 85b56d6d c6099d29 4a52ae85 a13f9c19 f6d07dcd 86924ff3
		0164cedd 2bcd6ca7 1233a3cd 4a4d88bd ec655d4f 12bc3b75 02248567 4dd21079 a658ad77 89a697cd
		11f65adb be8e013f 640cbe69 da6b9909 31c5c2bf ce93e453 8da0bdb3 797cbd53 bfb3e7e1 972d92e3
		9eac5eaf 597d261f 1bf7d407 092f103f e1245dcb 40046015 5fd4432d 93925ccf 8e9e5a09 93b5feb5
		191ef931 1961349f c2e8d989 e2d4e6a9 b18d4a1d db0a8903 a10b2885 99b80699 c1db80e7 b7c03553
		e2120cd9 6de5ee27 77602485 df2c5b3d 9b83b215 8f3bb14f 835c59a5 c2f8ac99 3033b363 41b94955
		10124af7 4050a9ab cdd63281 d58b52d5 07d4a6d9 f079bb9f ffb2d703 991d630f 58716cb9 1b34ea7b
		7047d7cd 8244b7df f2859263 6599dc19 cfb5ff19 11f8e3c7 e007fd45 74848d9f 4fc4c649 4ca333c7
		2ee99205 93f17749 1ae90195 1bfb4e47 be959233 1f40e4a5 51a406c3 56fd36d5 fc1e0eff c1e28bcf
		c1262273 79a5be53 05f3a83d 8df5663b aa44f8d3 c40faf4d d2ae7dc3 0c86d481 eb46a18f 98867d8d
		56f0bed1 8bcfd09d 7c4e58ed c5f79e19 9765f07b 69210a99 d93c6bbd a25199c1 7cec91c5 f4904911
		cd7cec85 c3ba9311 209733fb 000c5bf5 7f6df5cd cffe9605 858f732b aafa9529 d717b56d ddddff35
		e19b7e39 86bd0861 1297f721 74baca3d 8f925a61 8bbc705f 5ee03dbd 4bbb004d 5542f411 32303ddd
		e0457f61 02427c61 41d8842b 2cfe991b eb700d31 338bdb61 ba30e1c9 d90afc1b c1c702b9 238dec75
		db6fb371 b4b15425 1acae841 a116512d 26ab8883 e5ea95eb 1ef8bc7b a79941fd 06b75a29 a408f393
		e0b72e6b d83ddce5 7f1a8211 672b7365 61864b71 be546081 7083d463 43172be7 2fcca133 99f25a37
		fe6656d7 48297f81 46298a95 b51448b3 2bfa2805 8b2475f1 c3532319 e9cfc0d1 82c1d4c5 adbd762f
		23e55c31 e0a6ca13 2a95a395 1900042f f0e11059 e0a56967 6dc090af 759741a9 02d4de59 947cdc15
		563c1a49 3d3c5955 4058afd3 30cf6ba3 7e06df09 5b2d9e05 034940ab de06aad3 57202621 eb3d0c2f
		e9cdb92d db33bd79 9a09dba7 85b208a5 3006f1c9 97f1064f 684489e5 3c40ec7f 20770591 f1a45b93
		81167309 ee3f19db 4afa0da5 1693cfe3 43b108eb b98d1999 82db4aa9 daf9c94d 61b9c97d d45385a3
		55c87b3b 409383d3 06de28e7 a817d125 e2330d6d a8c7d2ad a6e07389 80a65191 553e3d09 3762475d
		c34484a9 95396be1 4682563d 374e766f b541e8f1 ed3e9d25 f563a475 1bb298df 6b7c313d a2ce5df1
		3e2af947 54a8e801 c82da641 17b20e33 70038819 a4b320f9 bb55f3bd 222c11c9 2d17f5db 5c6dcc51
		5e9577bf 47d70f15 83798703 8fbb1b33 edbd3c83 aeb4bae5 32b042d7 93cb4f83 8d0353bf 42285ecd
		96c7dd8d b34f39bb 72314271 d1b49b0d 327712b7 6fcfbaab 0ab12c27 d83f08ad ea948ffb 09214923
		9d8cbf6d 7188e1ff d88937c1 db96bdbf 3cd240ed 21589e81 e3542625 1a7bc287 67c23321 1b3defc5
		2f5e2515 4549b1bf e57ddc9b 656415d1 d4eb6761 9853580f fba23bbd 14113277 41f287f3 33e64ad1
		ed0e1df5 b1ea2059 5c8a47e7 ad27cc73 bd30b8b3 9cbb93cd 5cf90c85 98c87d75 6a359c4d 65f88e91
		396945a3 c1870bd3 68552041 9e393f95 a01cabf1 f89728a3 2be4a9cb 624529fd 817a0589 72d83115
		80f01abf 1a7c713d 6c0eb2c7 8e713a3d df6f0833 1947e01d 3ec641db 8187b6a1 9abbae65 b30f2d07
	`,
	"equal/cooperative-sticky": `
		6bf5c55d 3fdb27f3 e3e852ae e66d7be0 fd81dee9 a514795a d6cff532 e6022364 31e6e6c8 d9efe90d
		e7b6dfaf 588c442e 07b8b22b 2d8ad8b5 e121516b 2178ea25 ac1e5707 db50c2d1 5e27b67d 1f896156
		fa4ba7dd 341d984a baacbd25 201a0040 dde4612f 37ba82d4 ae70047f b32c6506 7cbae6a2 dd141051
		d0cfd9f7 57e42b95 5b104aca 54d71c80 79f617cc 48e8a54f fc4e4969 a6cd5a10 286f2a59 658a0340
		c6e112e9 c5ccefa7 fc46ae0d 0deca6e5 e3b66588 2ab9f453 59adac9d 025648a0 c48af7cc 85347155
		04298c76 9ef0ac85 f297c43f 71e09cd3 d061d781 39baf029 d66ee7d1 05fe5195 8e527add 30bc4ecf
		f5d3d412 b58bfc19 916d3f03 378c6bef 465fce87 522aa9e8 c711a2b6 a077c7d1 e6d5b5f1 75113472
		4b52dda5 34eb9f45 7c3918b1 b8d632c7 44183be5 2671d858 c8f1a2e7 e068472b e012fb6f 4ec19e07
		6fce316e cb00bef4 788636b9 8131469e e28e5e9b b2e1d8ab 2e04535b 895d659c a51c3c64 d1ec4284
		6b162909 9d517464 0b9b8e80 b8575a1e 02e0ff2e b19965ab 0b887cbb fb8f7bfb 88bfeec0 f2fb16dd
		ab3cf585 9bdef25d d90bbf6b 1a9bebe3 7e4a1967 921765ae 1c32bc11 7fb41947 a8b92df2 6238e475
		d88f3fe8 23e8c745 8c0cea30 c983e4df a8fd89ad bcbc9453 328e8e2c 53d04619 5b4bf2df e6816d7d
		7f147b67 75bbb824 533a41d5 8cf0a46c 80920ad6 df4ff23d 25941900 50031d07 eb1f4a2b 1a2dedef
		3dbbc28b eb090913 20e703dc c43b0664 af32bc18 1ddae6f3 a3029695 8e961b7f 7cd2a00c e98760c8
		182a3e6e 227b9256 686800ed dc7f038c 97b59ea5 efa69009 a2402859 34ba73d9 b819139f 2943434c
		4814ac02 7c37e624 40f16ae4 2dbd1f54 5d8f4845 01445a41 099d05be 30e46845 dd0f482c 4fe1403d
		13af95ba af92a8a1 428037c5 9c2fc408 56441116 5aeba889 7bf3adaf 3166b4f1 edb3eb67 efa66f81
		0f650da7 554e076c 9bae9995 e9177e92 1537bf6b 2ec1d982 68370e18 9bab08d6 f9f11b78 3f7bdddb
		4d9419b5 ba43bf9b eeb5c1ee 1630288b 73bfc2bd 9639a229 8e7fd446 142edbbe f1b1f6ae 5e77d11f
		39ec7ffc 81591315 6b8a7f84 4db73232 85b56d6d c10f66d1 aff6ec44 a13f9c19 6741ddb2 86924ff3
		0ebd510b 1d457f83 bc4c9604 da42b113 88d89174 9fa73b6e 54477a35 78799cb7 a339a90a 162a02e9
		11f65adb 63cf4759 8728e918 679d8c1b ce436b90 971f46f7 8a04bc10 797cbd53 1db92d32 972d92e3
		0405befb cf1e0450 1bf7d407 7d4ee6c5 ee842b54 780fb681 04cc5a73 7ad6f644 8e9e5a09 bb069b22
		faa365b8 1961349f ef52d0d2 e2d4e6a9 b18d4a1d 9274e0e2 4e0e3db7 99b80699 3967c141 cb5ed547
		e2120cd9 6de5ee27 5844019e 1e75dc72 9b83b215 c7c84048 9d1930c8 16737a08 4d84573b 111de938
		b067b3fa 550da4f9 cdd63281 e6fc6e62 eb81d067 f079bb9f ffb2d703 244aeeec cfdcf296 5a002d32
		49e7d3a2 cb9bf771 4c035cb1 6599dc19 62be5b96 fc5f9418 1423afa0 655e1f6a 4fc4c649 4ca333c7
		6bb2b94e 93f17749 c764b159 cad14514 be959233 c4ef589c 51a406c3 56fd36d5 841df216 55688280
		c1262273 090ac7d6 e8270870 fde6a564 aa44f8d3 c40faf4d 78dfa736 0c86d481 6f6982b8 4d212048
		a18d1ce9 e3b9933f cbac11c6 c5f79e19 1372c49d 0f9e3a3f 237a461c 1447f25e 376e133a db8dfb07
		3c82f43c c3ba9311 209733fb 4d2d90e2 11e8cfc5 cffe9605 8cdc19c4 521110ea 4420e295 045098fd
		5d73184c 3deee12d c4a8a3be 74baca3d 9fc47aa6 161c24f8 5ee03dbd f29ffba6 25d114de 6744b429
		e0457f61 02427c61 41d8842b 8f610436 5fa95edd 338bdb61 ba247c04 086bdf4a db13ac56 148ddd18
		aa57a5df b4b15425 5081db37 b077888a 9f1c0a72 95749548 37f1b319 be157db5 93fb9879 760d2982
		e0b72e6b d83ddce5 7e7f08bd df2eb8e2 adcaff25 737d897e db3cb2ea 7c43f722 68b923da 576b0170
		91f3c1cc 71afc0e6 46298a95 127d7cb6 9eac241a 732fc03a 5d3ffaa2 e9cfc0d1 bf25cd59 b1c8fb37
		f2e8ed5c 4a08235d 2a95a395 638108c8 f0e11059 731b41f1 de6d9402 759741a9 d239c795 a689c907
		cc423b0f 4995e318 d7cdb198 3c5e66e8 0a9179f3 f83fc34d 7f51730c 42d4302a 57202621 463fc485
		ed3d1fae bead1902 9a09dba7 85b208a5 3006f1c9 cada0a46 2524f0e2 c03211e5 3b601648 f1a45b93
		f3d6259c ee3f19db 21f60417 1693cfe3 c6701980 ce25f689 5591e0ad daf9c94d 0b797aae d8c40782
		3ef798e6 409383d3 889166ac 6265e8e8 477f91c5 052c1c9a 47d2f9a6 9c0414be 553e3d09 441814fa
		c34484a9 95396be1 bf210c8e 67a7df66 c4a27911 ed3e9d25 f563a475 6ae92cb0 b2ff64fb fb0b3dfa
		3e2af947 f835d8ac 7b3f8a5f 3fca0ddb 70038819 c6e56d58 bb55f3bd 7c4cd9de 3c290b3f 5354008e
		bb7978c5 47d70f15 83798703 e8092ef9 edbd3c83 aeb4bae5 527b4b97 f0df0685 5726c830 1708c8b7
		46283e48 b93a45af 05028233 78baf683 327712b7 6fcfbaab 0ab12c27 84e5d0d9 4db52213 c61fde8d
		20b3f3ed ba9ad42a 8aa5577a db96bdbf 552d6f2f 272148e2 e3542625 1a7bc287 67c23321 7b30dbb3
		2f5e2515 c04831e1 e57ddc9b 58ad98db d4eb6761 c0b831f9 2744bc24 e14d5ee0 41f287f3 33e64ad1
		ec5c03c9 145d6315 5c8a47e7 ca785c48 ba4c5d26 c9d9e112 725e78a6 77ae45b5 f04ab224 adfba206
		8fa616f0 f3451f1d cb804989 f66ff8ab a01cabf1 9f3097e3 2be4a9cb f2b53acb 817a0589 72d83115
		5da993dc 05f380d3 5854cb94 e154fcdd 8d7d9710 83a5ba60 c6cbef27 bc4dfa0e 8eeeca53 e3204f93
	`,
	"unequal/sticky": `
		ca5ac845 0b8b0c89 46d1b671 ed1949c1 90546cd5 ba3b1929 17dfe615 5ca9a273 490a1a45 b605d14f
		21884ce5 f57aff55 b3a3219f d4a2f991 541f5ba1 04b44b85 5249fec3 3594b241 88024635 e6e8860d
		9113caa9 c102229d b64de6db 495cb06f a832991b 58e18de9 274a12d5 6a69a1a9 e5072b4b cff38c19
		21e2556b 99b5e9a7 5c35d50b b4cfca3d 6c8e8475 059e4f15 7c4b7b21 48d798e7 f197b99b 395f06f5
		963f1a57 27ecaa7d 03a70c39 44d17765 addd4791 38dbeeaf d4379461 9c7aa923 218ba455 111eaf29
		eb5fa8fb 46877903 eb17ba29 58c538fb d3ab4155 45ebc573 3e7b8177 3ccd9fc7 d8e1722b 268ffcc3
		f746cbd7 054549ad d69c8ac3 cf4bbed5 993e8201 75403f15 86198fe3 3783a391 963cc1fd a2905569
		d6c0a3cf 7bd4a40f d04a801d 1631799d 25dd68f9 a42e66b7 8d1c5b33 3a0e419b 70732895 323a6dd9
		8d78b855 53522231 3ccfcfcd b9ca7d07 3284f6b5 430d97e3 cf3332e5 c043cc7b 957b1a49 08d342a5
		f1fcbea1 6782c8ef d38f3321 61cb61c9 0ebfa5f5 41a4dd71 b8de1109 2b0424cd 6c5d54dd b7870ad3
		0679159b 7cda46f9 c2f686fd 63a5f2dd fcf1241f 30240d0d 3da427bd 556b6a3f fc3ead7f 1d991183
		f770219d 0bcf26eb d238e08d b79beae5 4d651743 182f3543 570c5361 38eed869 f294e2a3 fb1fccd9
		ee5c74d5 65100d29 2e266ddd 382e2781 ad8a390f 79b502fb 78ddfb15 a38c4199 dabfe86d e7c2841f
		d8f046fd 6ebfcf05 707c171f 8b380d0f b1672bb1 b76201f9 0cb458fd 337eca6d 0dc2c58f 538b8e4f
		cb6f6b91 141a3f27 bfb5ce79 4877f1a9 bba6b547 2abc5505 222acae5 e1c7f52d bd3584ed 275cc647
		533b2083 10acbc73 4e9e3597 ff8668d1 cbaf6459 ad94b581 202b12df 030916f9 defbd6ab 465e109b
		2ff485af 011cf7d3 a6f820f1 110d025f 2d9a58fd 3bf4486f 39fa9f8d 63c30605 d4135321 7aeb01e1
		b4c254e1 3c59ae9f 37e480bd 50695211 bb5e418d 6ce565a3 6bd96c0f 8248aa35 b5ccdb83 7ded45c7
		7ca17475 cd4f6ca1 fb012075 6de436c1 8e0d4883 e536d6bb cc4ce339 1041cc23 84a6da95 af44c0b1
		46836297 d14a90ab 48e36de5 d4b484cf 8ab118fd fc4e225f 6af04ef9 c4a60269 ba58e167 69c4c759
		cf3a12cd d5beb7bf aa3f96f5 84c29467 8cb66da1 d062ee91 c8d7fa0b d12fead9 8d9856cd 7070faa9
		c33c47a1 45591851 7d8d4681 bad6722b 0e15806d 7c4c0047 f1d0908d 56bf4877 f271537f 84d01b13
		75acca61 34cfd549 23620599 87855093 ff41302b ddae7b97 aec7ba7d a9e335e1 7ed202bb 884d7e37
		74fd025d 6f3359dd 3e4dd277 7eda10e5 22731293 17ea381d ec12ea01 f519033f fab0b259 84c4cbb9
		18900219 390b802b a362a4ad 96f92301 d19780b9 9d371603 3818b533 17833773 6a1c13fd 9c25c87b
		977a5893 a5300535 6014dadd 6e28c6f9 bbf17471 266055a9 6ce30379 44462925 5d874169 8d6cd7fd
		d02b48f9 92bc1e8d c0799cbd 2770663d fdfd05bd 8ab77359 f9d05b43 2b5aca79 6367c3d3 8868db7b
		dac5a9a5 b577a535 d09d3c0b 7bc37381 56f97a21 18f9c6a5 a1c9702f 27f2f803 cf774b15 6e3372a5
		4ac64bc1 c30dd55d 99fed8e1 fa75a159 07131029 0c8ceddb 1f6caef3 5d7baf75 accaae8f f6c19f5d
		67fde95d 46925b99 74c8ef7b 577220b3 d3f53375 c545553d 62e8112d b543731d 96ed1d03 285d0b65
		3ac00c3f 4c851635 8621d35f 5fab883d b98fd3bd f56e11a5 b675d7e9 268f8cbb 6601d9ed f57c4fe7
		8d291b25 541af4e3 4cb1aff1 0ea26b27 43546401 d8fa0989 22a688af 7455545f d5599f55 0580f7ab
		bc6f2bcd 8b27c187 9e6e897d 2b294f37 5800907d 30e19149 a5768d15 d0e594cd e3627ea5 d8a2c645
		1b4d7eb9 ceeb56ff 22c2dd4d fb604b85 b1138be9 8e87e235 cf74de4d e70ccbcb 0e982249 9e194ac7
		c1559b95 b8b47e23 ec84079d 03f35879 cf60c977 c9bd1dc7 573c2b4d b543b6bb 8c33172d 1578c3f9
		d96c1ab1 69a06807 74daddc5 ede2c567 86aa2411 9dda4295 a50b993f 62185649 b843ac9f 389fa04f
		0147848b cf404871 488a774f 49064467 8b3a0e0d 491fc3e5 cc231975 8683c735 4e38c84d 7f2f4c59
		97db0afd 4b5818f1 63d6c305 051cfbed b2315f91 8c6f502d c3e00abb b5ea39f5 bab0fd2f 33599105
		9f36768b 5131576b f25c9acd adb6082b 0153e78d 948b8bdb ad93bfff 7429e783 448422e5 91181089
		90032315 171dd05f 091ea17d fa5f0bf5 e4ffc0bf 8cb6ade3 83670079 3bca1f09 d85a1d09 40e43bb9
		92c300c3 5bb1761b 3eb3286d ac60809f 8a22f751 16b7e99d 902d7101 cec53051 818002a9 84d7f2e9
		726aa613 16a3d425 b0ce6ca1 dfee4a73 a195f03f f16208cd 8cc4f0f3 8c28164b 3feb2731 35a139dd
		93ff5359 a8f5fbdd 3ccaa0b1 ffba7ad9 9012500d d1fc214b 49a30859 a190be49 57f34435 7e1881e7
		429d8883 c1291253 aac2debd 3bdb2cbb 6e472747 4f85e7c7 12aab459 924d4875 ba8a842b f4d30675
		a62d1639 07217255 777eb6a7 4b2bdeb3 f54654d5 b8af5555 fbfee633 2fa4ad4b bc80900d 24c6f4f5
		4ffc6205 a8725713 8fb45cd3 0bb63955 024f63e7 14f75113 e35add01 5a9f0d19 e11b6907 f7089917
		f982f3b7 4f45cd8f a7df47f9 6e5a87c9 d3061e45 94125ef1 21a0cc39 b7a8141d c714fca1 7086a8e1
		5638b795 604db375 5c1f8415 187f5c9b 93f242e3 76425cb5 007df5b1 73662827 7a9c08d5 d223aeef
		88ab1b51 9c96f1b1 38b34269 341e9a19 1d5858a5 8a397719 136f91cb 38145a57 0298fc45 bba268ed
		6928dd17 58356c01 d378526f 274da2b7 0f639af1 b0bd1da5 775a7c51 cabbb5ff 6b506ee5 3e3bc5f1
		7a476fa7 a8a3a033 97bedbf9 c9777647 a7f58af9 ea989a47 1dd0bc03 0ca51967 0fa0c3af cdaec7f7
		fcec5c45 c3cf69cf 44956443 7a979d1d 40419ba9 7f09aedd aef99e23 9d572621 8082e38d e7a1c6e1
		f2fb7423 d634018f 151bb20d b27d55c7 6002feeb e4b94573 8d5f5d0b 63e99e5d 0d1dd463 6d67b92f
		112d1a55 f056ca07 13e13c91 2513e3ab 8c5a81cd 16bbf575 1ac191a7 b6ec7fa7 c2f721dd b3baa911
		006fe769 b93c7841 e95a5c75 81f982ad 9bcdf375 cb5a78db 2e362d61 4bc1d0a5 f9d8cbed 3d0ded93
		9b14914f 4d62b361 3959dee1 ebf960eb fa350057 441a41f3 e487ad5b f6a895d1 f4aafbd3 12d7cbd7
		f78e6869 b85a8a0d 175ca0b7 a12262b7 2baebb57 99b25e99 8f37e8bf 7b19546f af947de5 c35ada79
		35f18813 1a040c0b 0d2209c7 3285a907 5c1a11bd 5cd64fdd a2e005f1 dbc6d24f cddb8eb3 4c33bb97
		cc60ec8b 9011d9c5 6faed4fd 0bd46ec5 ab628e99 2019b31d 46243167 9a0662fd 374b6965 d74389cb
		2f4b69e5 ee5524ef 3e13c701 b0980fb1 b8354bf9 41b3c9b1 a02cb9ab f5dd901f 3aa108d1 88b4ffb1
	`,
	"unequal/cooperative-sticky": `
		fd785dc0 176ea50a b5b6c816 b3af7e91 90546cd5 0f538b88 093666e1 5ca9a273 d2f7a304 e7cca6fe
		adbb66d7 f57aff55 b3a3219f 4af32ea6 dcabd9f2 56ee86dc 5249fec3 3594b241 88024635 a6688f80
		3cc08450 c102229d 658b8dcd 7181f656 a832991b 58e18de9 4088f844 add3f286 58d0a7dd 45cf81b7
		701a2d5e d2c73c39 049acf0b 09acc7b5 9a7570ca df956102 bb8e9c69 eb06b9e1 2ce6062f 57228be7
		a088ad6d 5bd57f53 24fc73ef 44d17765 99e0fdf2 990e2230 9fc1104b c1fe30a4 990f5135 c36e13a8
		eb5fa8fb 74462f05 eb17ba29 485716d8 bb96e712 f90f5c88 3e7b8177 3ccd9fc7 62703270 ebaf0ea2
		99bddef1 054549ad d69c8ac3 cf4bbed5 2ff9911e 8fe2fb7c e180a184 c1274f0a 70cf0a9b 8693ba42
		deea341d 6591a3bd c121298c 7cf48851 189eb366 a42e66b7 1e0fa066 7a88df66 0849d4ec 8e0f05bf
		776f4fdb 10385774 af6ae0e8 d0a336f1 3284f6b5 86dddfae 65a74c2e c043cc7b 957b1a49 ab14fadb
		bf51efe0 e10a9298 15266046 22005054 cc17e4c2 fc9e9dcb e6535af3 993ef19e 6c5d54dd b7870ad3
		0679159b 7cda46f9 28e2a337 c2f10063 41b72815 04fd27d1 b9e3706a 556b6a3f 9a0875f4 79ac7953
		47a2e81b eb8fb0d1 d238e08d b79beae5 78c04704 9dc8600d 570c5361 1f9c2b13 feb2da29 fb1fccd9
		ee5c74d5 777c5b68 51bb61f7 ef3180a9 88466851 79b502fb 823c5e4a 2a0ebe01 dabfe86d ebc29710
		f56a77d0 745b3ac5 3340e4a4 f4abcd2a 38724cdf b76201f9 ebfc62b4 d7812c87 0dc2c58f 2948b09b
		d857dc8b 3099a3f8 991c78d6 8ddefd51 cb428ee2 80b8c18b 0cf5fba7 87c5b1be a51903b1 8d1f6172
		533b2083 10acbc73 f6f85d1d 451d7884 a3c55025 ad94b581 289124aa c5352b3e df90d5df 594461d0
		3e704650 df228f79 a5f594e5 110d025f d2875514 3bf4486f c0eb32c6 d94d01a3 fe435fa7 7aeb01e1
		b4c254e1 f2c48eab 33fc180a 728bf074 454b347d 8463f095 cf390884 3f8123a6 f6e8a589 85993c8a
		fa4b251a ecf2af5c 783522c0 e6e7b57e c4c54662 2feac0d6 cae443a0 61db9d50 bf0b64a9 a8c2c022
		e716e0c5 37d06ef2 e916d6bb 2390160b 0200daea d4007fef 6af04ef9 b512bcde 4cb98b3d 494a23c0
		cf3a12cd 9f141e31 9aa2292c 3d71862f 597eee2b 87ed8939 f4a45dad 0e2f5bea 461d054f 6d5655c6
		5e40c590 9a38dbcf 89e30d63 f5fba415 9fbe9817 a0c0a862 a53038d0 5b4a679d f271537f c120b80f
		9fbc4809 a23f88a7 021d5e93 adc3f1bf ff41302b 9c3498a0 29725f2d 148afc51 7b40567b 4b27961a
		fe58f854 4957dfd2 c0bd09bc 319a2780 d73e79de 17ea381d d89caee4 e8188c50 ad7d89e9 8e884631
		87df0592 af3283bf 47bcf037 96f92301 d19780b9 def57842 c07af491 7f116c56 29a93371 fa61e028
		977a5893 620d828a 6014dadd 5cb01036 39102afe 74ddcb04 6ce30379 5a959db5 272232fe 0cbeccd1
		667b3983 4f394f1a c0799cbd 0970d47b dbb4e1c8 b1ab6605 c9cdcf3a 2b5aca79 2dbcfec4 a4e68864
		2a5d3096 e36d7e4e a870631b 7bc37381 527318e8 def9975b ad9e8ee5 1f97c800 cf774b15 aaf94b32
		4ac64bc1 c30dd55d 6f19567a 4e0dadf3 9841b941 0c8ceddb 7a99792d 1a17078a 1e1b41aa e1827b7d
		ecc225eb a4bcaa04 74c8ef7b 72a5ec51 d3f53375 66e21844 2414c556 a4884d96 06965fb4 0ec6c955
		ec8ceb09 4c851635 609059cf 4f5534f2 b98fd3bd 5db959cb e96fcf19 c49c6a24 e60f7163 6d933176
		9e580c9b f65dbce2 ce418731 5563d6ce 0e1babe3 d8fa0989 48dd034c 782daf61 2043f09f 0580f7ab
		5c158d85 2ef50a82 2736be56 90770233 c641466c 34b9c634 e86a6e6b ae2ff9f9 e8dc05c0 d18c04ac
		79c9e186 ceeb56ff ab65c9a1 ea31a74e 4abf2e86 58740082 cf74de4d e70ccbcb b88d82b4 c50ada12
		c02c7f23 66b8c855 571b988e 03f35879 4b74d234 c9bd1dc7 52ca41e1 19370587 f40aefa3 7b9e3ce0
		d96c1ab1 8eedeb7f 1d343a88 b80613bc c43912b2 317b5f33 60fb068a 23687618 b843ac9f b9654e1c
		704b671e cd9bc6af f61f14fd e1c722ba 8b3a0e0d 84b2f57b 47d3dabe 1f208ea7 4e38c84d 36df0121
		c3318e0d 4b5818f1 0c5ad235 614c0201 1c69be9c 8c6f502d 51ae8636 b612aa12 bab0fd2f 5f928861
		b55be614 60920bcf 70aa90c4 1c9e82e0 0153e78d 45fd0d24 007d8fd8 07794c8f 16b78ff4 3c643254
		bc29ba16 171dd05f 091ea17d fa5f0bf5 56048f45 37b36bba 49b3ff47 3bca1f09 ec27b963 ce723bcc
		4955e3e5 5bb1761b ab8d7ea0 d4dd4f5c 4eeccb01 134b12e7 902d7101 2a1f0859 818002a9 cdf88643
		f3df7ae5 45a66534 6918d3ed 2c42d465 ce48012a e4e211d9 bdabe28a 7da2873a ed07aac9 73c9593f
		765c6fac 9460c5e1 4fcdab8b fc83fa68 35141e88 360e455c 133e0da8 58927b6a d0d3833a e9646db3
		f96f5b5d 2410282d aac2debd ee66da00 6e472747 4f85e7c7 b382bd1c 11a75df7 e3e6fd92 f4d30675
		2740a8d0 8e2ff23a 40791564 d91cef97 7825dffb b8af5555 d34b2125 2fa4ad4b c0efdd5e 5cb4fa5c
		4ffc6205 a8725713 bc83e9d4 079be577 8c1bc1ae 08971ff9 2c70c146 805d6b75 0cdb93b6 f470563d
		ae43d30f 4f45cd8f a43ffb03 6e5a87c9 2ef829d1 f73b2f63 e963a076 ae24448b 5f568d58 3fb612a4
		45b62efb 4a0ccde1 e0e3142c 36ee5ab1 d4edba8d e892e9d2 9058539c b8dbeb38 7a9c08d5 e214bba2
		4c39aba1 6d6fec3e 4bcde419 cdd57af8 131d6296 37ff436f bdffb692 dc6276f2 f6857abc ebfb5b3e
		48d8d37c 58356c01 c762e490 b796e782 c3f2852e 41f270a7 0d39f62d 0ed23575 9f05d22b 235f9961
		7a476fa7 3331dcf1 97bedbf9 20caebf8 a7f58af9 ea989a47 a020e156 4acec530 e5771a71 bb37e209
		83339ef6 2ff3c55d f42620cd 7a979d1d 9f41f79a eea7a147 47228711 b49bd0ae 29a1cae3 e7a1c6e1
		f2fb7423 ea555f11 95adb853 b27d55c7 ca67a577 25a77b90 93013610 d0a54111 bc110125 104e89a3
		80746f1f f056ca07 13e13c91 2513e3ab bf3fd2f5 53abc5d2 e109d38b 951c423c 7a47ef63 de7812ff
		73986da9 aa25f0a0 a19747e1 ed16908c 0100f86e 57daa817 d991acb6 4bc1d0a5 f9d8cbed ccfca392
		92a848e6 09ce2ae5 92ea713a 37f35084 fa350057 15ab3482 21ade2f2 5f2ff673 f4aafbd3 ea8256fc
		31fcd876 8d93a2c5 0eed8f3f a12262b7 2baebb57 9e0b048c 14d99bee 9eba0453 af947de5 5b90ad67
		296d26ec 76026b85 284655b9 a3744e9f 5c1a11bd 27c8b76c 8f4abfd4 05027bde d7fd08d9 62bf4984
		7550d6fb 9011d9c5 6e7859ed 3cfbad25 adeed20a 3c1ed729 46243167 26804711 4e7b6b40 ce82ca56
		e91ef34f 872529ec df22aa39 da99d7fe 235293a2 41b3c9b1 4ad16348 832b1353 3aa108d1 6f31112e
	`,
}

func TestStickyFranzCrossCheck(t *testing.T) {
	shapes := []struct {
		name   string
		groups int
		o      stkGenOptions
	}{
		{"equal", 500, stkGenOptions{maxTopics: 4, maxPartitions: 10, maxMembers: 8, equalSubs: true}},
		{"unequal", 600, stkGenOptions{maxTopics: 5, maxPartitions: 8, maxMembers: 8}},
	}
	const rounds = 4
	for si, shape := range shapes {
		t.Run(shape.name, func(t *testing.T) {
			for _, name := range stkNames {
				t.Run(name, func(t *testing.T) {
					golden := strings.Fields(stkKafkaFranzTrajectories[shape.name+"/"+name])
					var hashes []string
					r := stkRand(uint64(500 + si))
					var rebalances, franzUnbalanced, oursFewer, same, more int
					var notes []string
					for gi := 0; gi < shape.groups; gi++ {
						a := stkNew(t, name)
						g := stkRandomGroup(r, shape.o)
						h := fnv.New32a()
						var movedMore []string
						for round := 0; round < rounds; round++ {
							gen := int32(round + 1)
							key := fmt.Sprintf("%s/%s group %d round %d", shape.name, name, gi, round)
							first, ours := stkRebalanceChecked(t, a, &g, gen, true)
							fmt.Fprint(h, stkDescribePlan(first), stkDescribePlan(ours))
							theirs := stkFranzRebalance(t, name, &g, gen)
							rebalances++
							mo, mf := stkMoved(&g, ours), stkMoved(&g, theirs)
							franzOK := stkBalanced(&g, theirs) == nil
							if !franzOK {
								franzUnbalanced++
								if len(notes) < 3 {
									notes = append(notes, fmt.Sprintf("%s: franz-go not balanced: %v", key, stkBalanced(&g, theirs)))
								}
							}
							switch {
							case mo < mf:
								oursFewer++
							case mo == mf:
								same++
							default:
								more++
							}
							if stkAllSubscriptionsEqual(&g) {
								if franzOK && stkSpread(ours) != stkSpread(theirs) {
									t.Fatalf("%s: spread %d, franz-go %d\ninput: %s\nours: %s\nfranz-go: %s",
										key, stkSpread(ours), stkSpread(theirs), stkDescribe(&g), stkDescribePlan(ours), stkDescribePlan(theirs))
								}
								if franzOK && mo > mf {
									t.Fatalf("%s: moved %d owned partitions, franz-go %d\ninput: %s\nours: %s\nfranz-go: %s",
										key, mo, mf, stkDescribe(&g), stkDescribePlan(ours), stkDescribePlan(theirs))
								}
							} else if mo > mf {
								movedMore = append(movedMore, fmt.Sprintf("round %d: moved %d, franz-go %d\ninput: %s\nours: %s\nfranz-go: %s",
									round, mo, mf, stkDescribe(&g), stkDescribePlan(ours), stkDescribePlan(theirs)))
							}
							g = stkChurn(r, &g, ours, gen, shape.o)
						}
						got := fmt.Sprintf("%08x", h.Sum32())
						hashes = append(hashes, got)
						if gi < len(golden) && got != golden[gi] {
							msg := fmt.Sprintf("%s/%s group %d: plans differ from Kafka's (hash %s, Kafka's %s)", shape.name, name, gi, got, golden[gi])
							if len(movedMore) > 0 {
								msg += "; ours moved more than franz-go, which only Kafka's own answer may:\n" + movedMore[0]
							}
							t.Error(msg)
						}
					}
					if len(golden) != shape.groups {
						t.Errorf("no Kafka answers pinned for %s/%s (%d of %d); ours are:\n%s", shape.name, name, len(golden), shape.groups, strings.Join(hashes, " "))
					}
					t.Logf("%d rebalances: ours moved fewer owned partitions than franz-go in %d, as many in %d, more in %d (Kafka's answer, pinned); franz-go unbalanced in %d",
						rebalances, oursFewer, same, more, franzUnbalanced)
					sort.Strings(notes)
					for _, n := range notes {
						t.Log(n)
					}
				})
			}
		})
	}
}

Feature: soak seed 19 replayed

  Written by the soak's feature writer from every event of `convsms soak --seed 19 --conversations 20 --messages 100 --agents 3 --faults none`
  (cli/src/soak/feature.rs, test `the_writer_reproduces_the_committed_replay`): each event
  kind as catalogue steps, run by `convsms check` like any feature. Regenerate it with
  CONVSMS_WRITE_SOAK_FIXTURE=1 cargo test -p convsms-cli --bin convsms the_writer_reproduces

  @soak
  Scenario: seed 19 replayed
    Given the virtual agent answers with the built-in topics
    Given the Conversational SMS provider numbers "+14157914135" and "+14154634579" and "+14156476237" and "+14156963972"
    Given a sys_user "Thurman Muller 1" with mobile phone "+61462659710" located in "AU"
    Given a consumer "Pablo O'Kon 2" with mobile phone "+33689001137" located in "FR"
    Given a customer contact "Cullen Doyle 3" with mobile phone "+14158536675" located in "US"
    Given a customer contact "Keanu Schowalter 7" with mobile phone "+16046458990" located in "CA"
    Given a sys_user "Bobbie Ankunding 8" with mobile phone "+447147083995" located in "GB"
    Given a customer contact "Bret Harber 12" with mobile phone "+34607353006" located in "ES"
    Given a sys_user "Ava Feeney 14" with mobile phone "+34616517322" located in "ES"
    Given a sys_user "Lincoln Yundt 18" with mobile phone "+61482835620" located in "AU"
    Given a consumer "Jovany VonRueden 19" with mobile phone "+819058968795" located in "JP"
    Given an agent "agent01" who is available for SMS
    Given an agent "agent02" who is available for SMS
    Given an agent "agent03" who is available for SMS
    Given a queue "Soak" for SMS with agents "agent01", "agent02", "agent03"
    Given agent "agent01" has SMS capacity 1
    Given agent "agent02" has SMS capacity 2
    Given agent "agent03" has SMS capacity 2
    When "+31646755072" texts "minus voluptas atque ea repellendus aut sint inventore perferendis." to "+14156476237"
    When "+31646755072" texts "voluptas laboriosam quos et ea omnis accusamus laborum atque nesciunt natus quo in illo dolorem aspernatur omnis rerum sed dolores id voluptatem voluptatibus necessitatibus sed pariatur minima est nostrum omnis doloribus rerum nihil harum tempora autem hic nisi dolores enim ea ab corrupti modi unde consequatur ducimus possimus est aliquid est voluptatem nobis cum ipsa labore a inventore laboriosam recusandae autem quidem occaecati voluptatum nam quod cupiditate dolorum quo dolores magnam quia quo corrupti eos similique consequatur sint inventore quaerat in odio quas deserunt atque quia at doloremque aliquam voluptatem non aspernatur repudiandae dolor qui unde aut quo est ea veniam vel maxime facere qui est et vitae mollitia nostrum quos alias dolore quis beatae voluptatem quidem quam consectetur optio enim quasi sint accusantium quas explicabo suscipit esse ullam aut perspiciatis ipsam facere beatae accusantium tempore ea saepe voluptatem rem illum minus sint saepe nemo odit nobis dolore facilis nesciunt architecto autem nesciunt consequatur consequatur at aut et nostrum velit sit repellat qui natus aspernatur labore explicabo incidunt maiores recusandae qui nulla quam expedita omnis quis animi impedit mollitia molestiae possimus iste fugiat magni accusantium ut ut molestiae qui consectetur recusandae placeat eum eaque enim nisi labore distinctio consequatur culpa in modi aliquam numquam qui tempora quisquam aut inventore sapiente molestiae deserunt et sapiente saepe dignissimos delectus et accusantium qui ullam animi quia accusantium quis vel et voluptatem tenetur nihil vo" to "+14156476237"
    When agent "agent01" goes away
    When agent "agent02" goes away
    When agent "agent03" goes away
    When 19610 seconds pass
    When agent "agent01" becomes available
    When agent "agent02" becomes available
    When agent "agent03" becomes available
    When agent "agent02" becomes available
    When agent "agent02" goes away
    When 203 seconds pass
    When "+31646755072" texts "AGENT" to "+14156476237"
    When agent "agent01" composes "お世話になっております。注文の件です" with the attachment "receipt.png" of type "image/png" from "+14156963972" to "+14158536675" for customer contact "Cullen Doyle 3"
    When "+31646755072" texts "👍👍 thanks" to "+14156476237"
    When "+31646755072" texts "" with the images "https://cdn.example.com/soak/11/photo-0.jpg", "https://cdn.example.com/soak/11/photo-1.jpg" and "https://cdn.example.com/soak/11/photo-2.jpg" to "+14156476237"
    When agent "agent01" composes "quos atque vitae." on interaction IMS0001003 from "+14156963972"
    When "+31646755072" texts "2" to "+14156476237"
    When "+31646755072" texts "iste quia voluptas modi quod sint rem quia et voluptatum voluptas." to "+14156476237"
    When "+31646755072" texts "7" to "+14156476237"
    When "+31646755072" texts "neque ratione explicabo." to "+14156476237"
    When 103 seconds pass
    When agent "agent01" accepts the work item for IMS0001002
    When "+16049225373" texts "veritatis dolor perspiciatis nihil omnis ut." to "+14156476237"
    When 257 seconds pass
    When 136 seconds pass
    When agent "agent01" leaves IMS0001002
    When "+34616517322" texts "eaque repellat eius quis vel earum." to "+14154634579"
    When agent "agent01" composes "eius nobis mollitia quas culpa voluptatibus illum quo voluptatem." on interaction IMS0001003 from "+14156963972"
    When agent "agent03" accepts the work item for IMS0001002
    When agent "agent03"'s SMS capacity becomes 4
    When 236 seconds pass
    When agent "agent01" goes away
    When agent "agent03" goes away
    When 19109 seconds pass
    When agent "agent01" becomes available
    When agent "agent03" becomes available
    When "+34616517322" texts "voluptas omnis aspernatur quod eum consequatur." to "+14154634579"
    When "+31646755072" texts "autem id et quidem voluptatum ea ea itaque." to "+14156476237"
    When "+34616517322" texts "Спасибо, жду ответа" to "+14154634579"
    When "+34616517322" texts "vel non repudiandae aspernatur reprehenderit aspernatur voluptatem eveniet." to "+14154634579"
    When "+16049225373" texts "inventore aperiam similique assumenda dolores amet." to "+14156476237"
    When "+33689001137" texts "veritatis ut ut ut sunt repellat omnis." to "+14154634579"
    When "+34616517322" texts "no" to "+14156476237"
    When agent "agent01" goes away
    When agent "agent01" composes "voluptatem quam perferendis est aut et omnis." on interaction IMS0001003 from "+14156963972"
    When agent "agent01" closes IMS0001003
    When "+16046458990" texts "optio expedita repellendus." to "+14156476237"
    When "+16049225373" texts "quia voluptate et aut repudiandae." to "+14156476237"
    When "+34616517322" texts "deleniti fugiat assumenda aliquid delectus dolores minus accusantium." to "+14154634579"
    When "+447147083995" texts "tempora molestiae quia nesciunt rerum nulla." to "+14156476237"
    When 176 seconds pass
    When "+14158536675" texts "debitis ut tenetur." to "+14156963972"
    When "+16046458990" texts "7" to "+14156476237"
    When "+14158536675" texts "" with the images "https://cdn.example.com/soak/3/photo-0.jpg", "https://cdn.example.com/soak/3/photo-1.jpg" and "https://cdn.example.com/soak/3/photo-2.jpg" to "+14156963972"
    When "+34607353006" texts "eligendi officia est non consequatur neque similique rerum iste aut aut ut ducimus et fugit ducimus est atque soluta vero qui reprehenderit neque pariatur possimus sed architecto quisquam atque et delectus eos perferendis voluptatem sit exercitationem non minus consequatur dolores eum natus quaerat fugiat est est dolore voluptas qui accusamus autem consequatur dolorem eveniet et itaque voluptas a est sit consectetur laboriosam aut aut dignissimos eaque dolorum quam sit quia asperiores sint debitis ipsa similique aspernatur quia quod vero et quia reprehenderit laborum ducimus odit non aut ea dolore id laboriosam est harum repellendus sint fugit autem praesentium voluptatum fugiat occaecati ab molestiae soluta voluptas vitae aliquam non sed debitis sint ducimus delectus ratione voluptatibus sapiente qui officiis et expedita voluptatum quia occaecati accusantium aliquid suscipit velit corporis aperiam a itaque aut laudantium magnam in voluptates est corporis expedita officia voluptatem rerum dolore aperiam iure facere qui omnis amet et eius fuga dolorem sed error voluptas quis sint ducimus dolor aspernatur sequi est reiciendis nisi nobis quam voluptas consequatur itaque corporis voluptatem magnam eos nisi corrupti esse sapiente aut ex tempore voluptatum suscipit fugiat quia consequatur labore quisquam consequatur nihil ad nobis perspiciatis ab in omnis laborum qui eaque vel libero sunt totam optio qui sed voluptatem sit sit cumque enim quas voluptatem et consequuntur numquam dolores beatae amet dolore itaque quisquam aut libero dolor laborum doloribus maiores illo quisquam max" to "+14156476237"
    When "+33689001137" texts "optio animi voluptatum dolor at iste deleniti pariatur." to "+14154634579"
    When "+16046458990" texts "similique commodi ipsam ut laudantium architecto quidem ea excepturi illum ullam est qui suscipit sint qui sequi quo et est qui ipsum iure ut atque vel sint ullam animi ut et eveniet omnis voluptatibus culpa similique itaque et nam esse est repellat sunt aut est explicabo aspernatur quia quia culpa ipsa nemo error eos voluptatem pariatur laudantium qui ratione qui laudantium eos incidunt quod ut eveniet ut consequatur tenetur et et quae rerum ipsum et rerum explicabo molestiae" to "+14156476237"
    When "+34616517322" texts "order" to "+14154634579"
    When 21 seconds pass
    When "+447147083995" texts "voluptatibus et corporis." to "+14156476237"
    When "+14158536675" texts "Danke! Können Sie mich zurückrufen?" to "+14156963972"
    When "+34616517322" texts "nam ut officia." to "+14156476237"
    When "+16049225373" texts "quibusdam vero odit quis reiciendis molestiae a omnis architecto consequatur molestiae atque laborum in velit quam debitis est nemo dignissimos tenetur necessitatibus qui modi corrupti et maxime vero ut accusantium voluptatem molestiae quis sit dolorem repellendus architecto eius reiciendis sunt aut est voluptate error cum aspernatur ipsum iste aut quia nihil pariatur maiores eveniet repellendus qui natus reiciendis nostrum commodi possimus atque ducimus quibusdam" to "+14156476237"
    When "+14158536675" texts "aut molestiae enim aspernatur tempora totam voluptatum qui." to "+14156963972"
    When "+4915152004364" texts "Merci beaucoup, ça marche 😀" to "+14154634579"
    When "+16046458990" texts "👍👍 thanks" to "+14156476237"
    When "+33689001137" texts "inventore ex accusamus esse nobis laudantium esse." to "+14154634579"
    When "+31646755072" texts "fugit eius voluptatem voluptatem porro excepturi nostrum." to "+14156476237"
    When "+31646755072" texts "2" to "+14156476237"
    When "+34616517322" texts "recusandae accusantium explicabo quia blanditiis cum illum." to "+14154634579"
    When "+34616517322" texts "quod aut qui mollitia excepturi sunt." to "+14154634579"
    When "+16049225373" texts "3" to "+14156476237"
    When "+16049225373" texts "order" to "+14156476237"
    When "+16049225373" texts "dolorem accusantium sed." to "+14156476237"
    When "+447147083995" texts "お世話になっております。注文の件です" to "+14156476237"
    When agent "agent03" goes away
    When 12047 seconds pass
    When agent "agent03" becomes available
    When "+447147083995" texts "no" to "+14156476237"
    When "+447147083995" texts "vitae enim quos excepturi labore velit." to "+14156476237"
    When Twilio delivers the webhook of message #3 of IMS0001010 again
    When "+4915152004364" texts "order" to "+14154634579"
    When 174 seconds pass
    When "+34616517322" texts "1" to "+14154634579"
    When 31 seconds pass
    When 234 seconds pass
    When "+16049225373" texts "aut laboriosam consequatur ut." to "+14156476237"
    When "+31646755072" texts "corporis facilis nam qui." to "+14157914135"
    When agent "agent03" composes "Спасибо, жду ответа" on interaction IMS0001002 from "+14156476237"
    When agent "agent03" composes "お世話になっております。注文の件です" on interaction IMS0001002 from "+14156476237"
    When agent "agent03" composes "aspernatur delectus et reiciendis ad similique sit quia vel vitae placeat." on interaction IMS0001002 from "+14156476237"
    When "+34607353006" texts "" with the images "https://cdn.example.com/soak/12/photo-0.jpg" and "https://cdn.example.com/soak/12/photo-1.jpg" to "+14156476237"
    When 201 seconds pass
    When "+34616517322" texts "sint reprehenderit voluptates distinctio sed et nostrum rerum totam harum molestiae aliquid vero molestiae velit et voluptatem ipsa quas et debitis recusandae sequi veritatis et maiores minus expedita optio est et et sit aspernatur voluptatem eligendi saepe et eum est aut quos ipsum error aut qui omnis explicabo explicabo aperiam non quos sunt ducimus ipsam et laboriosam aut et soluta in voluptate cum necessitatibus consectetur omnis dolores doloremque deleniti placeat voluptatum sed repudiandae iste nesciunt aliquid hic nemo fugit incidunt eos eaque nulla ut a voluptate ex aperiam omnis quibusdam dolore est rerum praesentium accusantium ea doloremque et et et alias consequatur est animi repellat a enim nihil provident et magnam similique voluptatum est necessitatibus impedit sed debitis quis maiores occaecati ut dolorem minus corrupti voluptatem omnis labore quibusdam modi harum officia enim ut consectetur ut ut est sit ipsa et sed omnis iste aut officia dolores reprehenderit enim autem corporis qui consequatur illo ad temporibus tempore aut velit et sequi voluptate nam omnis assumenda magnam enim saepe et velit tempora ipsum ut qui dolores distinctio laboriosam voluptatem ut eum ducimus deserunt illum reiciendis qui et asperiores doloribus rerum consequuntur doloremque voluptate quisquam odio et qui natus quo odio cupiditate suscipit dolorem atque cupiditate ea ut sunt non architecto ad deleniti ipsam ut mollitia illum omnis doloremque quos sit repellat est molestiae iusto illo rem qui sint est vitae quaerat iure voluptatum vero quae qui vitae velit dolore cum veniam non " to "+14156963972"
    When "+16046458990" texts "vel dolores accusamus qui assumenda qui." to "+14156476237"
    When "+33689001137" texts "explicabo et officiis doloribus sit." with the images "https://cdn.example.com/soak/2/photo-0.jpg", "https://cdn.example.com/soak/2/photo-1.jpg" and "https://cdn.example.com/soak/2/photo-2.jpg" to "+14154634579"
    When 101 seconds pass
    When "+31646755072" texts "voluptatem et ex impedit voluptate voluptates voluptatem quae." to "+14157914135"
    When 193 seconds pass
    When "+34616517322" texts "rerum et incidunt corrupti harum ex hic earum adipisci quia." to "+14154634579"
    When "+819058968795" texts "3" to "+14156476237"
    When agent "agent03" goes away
    When 11518 seconds pass
    When agent "agent03" becomes available
    When "+34607353006" texts "aut qui ut saepe rem asperiores voluptatem dolores odio." to "+14156476237"
    When "+31646755072" texts "7" to "+14157914135"
    When "+33689001137" texts "asperiores nihil beatae et est impedit dolore esse dolores ut ipsam et temporibus itaque sint hic possimus numquam hic qui doloribus non non illo eligendi ex nemo praesentium consequatur ut consequatur minima nobis et ut velit molestias voluptatem consequatur sit eaque soluta incidunt dolorem distinctio ea voluptas eaque vero dolorem consectetur consequatur mollitia adipisci recusandae eveniet neque earum sit sint dolor et veniam iste dolorem qui alias laudantium rerum sunt minima labore velit vero iusto libero sit voluptatum deserunt ut ea consequatur et distinctio amet voluptas ut est voluptatem nulla voluptates voluptatem quia tempore ullam dolorem praesentium non maiores odio minima cupiditate labore ut quo id sunt provident laudantium dolor aut sunt ex id molestias necessitatibus quo esse molestiae voluptatem nisi ullam maiores repudiandae alias impedit molestiae ex non vero nihil sint optio non sit ut ipsa ut natus ut non natus reiciendis tempore sunt voluptatibus in qui rerum est pariatur cupiditate aperiam ipsum voluptates qui consequatur quos earum in tempore vel ut reiciendis aut voluptas et quas consequatur est illo quidem reprehenderit asperiores molestiae dolor officia aut libero id fugiat autem dolores dolore quo eum et sit aut animi aut et neque pariatur sed voluptatem magnam ut animi non doloremque qui ullam iure quas magni et qui aliquam autem molestias aperiam quae sunt dignissimos est quo mollitia corrupti eligendi error aut id dolorum veritatis iure doloribus aliquam aut et asperiores aspernatur maxime reiciendis voluptatem et ut aut eum sapiente qui nes" to "+14154634579"
    When 243 seconds pass
    When "+447147083995" texts "ducimus temporibus enim eaque." to "+14156476237"
    When agent "agent03" composes "dolores non eum exercitationem aperiam unde veritatis a corporis impedit et." on interaction IMS0001002 from "+14156476237"
    When "+819058968795" texts "nisi magnam ipsa sint est amet perspiciatis vel maiores dolores error." to "+14156476237"
    When Twilio delivers the webhook of message #7 of IMS0001006 again
    When "+819058968795" texts "quos et cum consequatur consequatur explicabo." to "+14156476237"
    When agent "agent03" composes "quasi ipsum est." on interaction IMS0001002 from "+14156476237"
    When 144 seconds pass
    When "+447147083995" texts "voluptas ut quisquam odio nesciunt cum ducimus autem ullam impedit possimus." to "+14156476237"
    When agent "agent03" composes "ea ex exercitationem impedit natus molestias consectetur voluptatem iste quos." on interaction IMS0001002 from "+14156476237"
    When "+16046458990" texts "お世話になっております。注文の件です" to "+14156476237"
    When "+4915152004364" texts "molestiae deserunt at sequi vitae." to "+14154634579"
    When "+61462659710" texts "¿Cuándo llega mi pedido? 📦" to "+14154634579"
    When agent "agent01" goes away
    When 298 seconds pass
    When 63 seconds pass
    When agent "agent03" composes "aut et sit eum dolor dolorem voluptates assumenda accusantium consequuntur." on interaction IMS0001002 from "+14156476237"
    When agent "agent03" composes "et velit recusandae non laborum aliquid exercitationem omnis corrupti." on interaction IMS0001002 from "+14156476237"
    When "+16046458990" texts "natus est ea quo sequi velit." to "+14156476237"
    When 201 seconds pass
    When "+4915152004364" texts "sit molestiae sequi unde eligendi ipsam et." to "+14154634579"
    When "+34607353006" texts "explicabo sequi impedit." to "+14156476237"
    When "+16046458990" texts "7" to "+14154634579"
    When 251 seconds pass
    When agent "agent01" becomes available
    When "+447147083995" texts "deleniti aut ut qui qui exercitationem quia voluptates deleniti nisi minus." to "+14156476237"
    When 57 seconds pass
    When "+447147083995" texts "enim architecto ipsum qui esse eos voluptatem ut ab quibusdam aspernatur." to "+14156476237"
    When agent "agent02" goes away
    When "+16046458990" texts "Merci beaucoup, ça marche 😀" to "+14154634579"
    When 216 seconds pass
    When 15 seconds pass
    When "+16046458990" texts "totam ut error error est." with the images "https://cdn.example.com/soak/7/photo-0.jpg", "https://cdn.example.com/soak/7/photo-1.jpg" and "https://cdn.example.com/soak/7/photo-2.jpg" to "+14154634579"
    When agent "agent03" composes "natus reiciendis ut laboriosam." on interaction IMS0001002 from "+14156476237"
    When "+31646755072" texts "quae beatae ea ut a eos ut sunt at voluptatem exercitationem." to "+14157914135"
    When "+33689001137" texts "yes" to "+14154634579"
    When agent "agent03" composes "et asperiores praesentium suscipit enim doloribus eligendi." on interaction IMS0001002 from "+14156476237"
    When "+447147083995" texts "voluptate voluptas ratione hic." to "+14156476237"
    When agent "agent03" composes "autem nihil officiis ullam sapiente quaerat ducimus sed neque iure velit cum sed mollitia eum quod autem blanditiis aut natus libero corrupti ducimus porro nihil natus delectus in veritatis quis culpa tempora repellendus quas quas est repellat et laudantium quibusdam praesentium molestias voluptatem autem consectetur aliquid aut asperiores quia distinctio molestiae laborum porro ut et beatae unde quisquam natus quas id dignissimos voluptatem" on interaction IMS0001002 from "+14156476237"
    When "+61482835620" texts "ab quos eos hic voluptatem et quia sed." to "+14156476237"
    When 165 seconds pass
    When "+61482835620" texts "et officiis reprehenderit possimus placeat nisi deleniti magnam atque aliquam est." to "+14156476237"
    When "+61482835620" texts "order" to "+14156476237"
    When "+819058968795" texts "agent" to "+14156476237"
    When agent "agent03" accepts the work item for IMS0001029
    When 138 seconds pass
    When "+16046458990" texts "rerum totam exercitationem." to "+14157914135"
    When "+16046458990" texts "odit quam fuga maiores dolorem asperiores harum laboriosam qui." to "+14156476237"
    When agent "agent03" composes "ut molestiae perspiciatis nihil dolore." on interaction IMS0001029 from "+14156476237"
    When agent "agent02" composes "dolorem voluptas laudantium ut quasi." with the attachment "receipt.png" of type "image/png" from "+14157914135" to "+61462659710" for sys_user "Thurman Muller 1"
    When agent "agent03" transfers IMS0001002 to agent "agent01"
    When agent "agent02" composes "qui nostrum recusandae est magnam distinctio." on interaction IMS0001036 from "+14157914135"
    When agent "agent01" accepts the work item for IMS0001002
    When "+61462659710" texts "" with the images "https://cdn.example.com/soak/1/photo-0.jpg" and "https://cdn.example.com/soak/1/photo-1.jpg" to "+14154634579"
    When agent "agent01" composes "qui voluptas quod." on interaction IMS0001002 from "+14156476237"
    When "+16046458990" texts "order" to "+14156476237"
    When agent "agent02" composes "aperiam ducimus ea molestias nobis aut quam aliquam." on interaction IMS0001036 from "+14157914135"
    When "+819058968795" texts "et officiis sunt ea ipsam ad error cupiditate cumque." to "+14156476237"
    When "+447147083995" texts "Danke! Können Sie mich zurückrufen?" to "+14156476237"
    When "+4915152004364" texts "suscipit reiciendis accusantium et ut commodi." to "+14157914135"
    When "+819058968795" texts "ut repellendus quas earum hic." to "+14156476237"
    When "+61462659710" texts "asperiores eaque veniam quae eaque aut quia accusamus quae dolor." to "+14154634579"
    When "+33689001137" texts "error autem maxime est esse voluptatem magnam in ipsum ut." to "+14154634579"
    When agent "agent03" composes "unde nihil quaerat debitis quia est voluptatem distinctio laboriosam minima fugit culpa officiis et nisi non saepe aperiam quod provident non quia corporis odit et et ex in omnis id architecto dolores dicta perspiciatis molestiae asperiores veniam occaecati est qui tempore dolorem occaecati facere aliquid maxime sequi aspernatur nulla nam voluptatum aut accusamus alias facilis dolor qui nisi voluptatum hic quis molestiae id ad sit itaque accusamus ab quo quibusdam" with the attachment "receipt.png" of type "image/png" from "+14154634579" to "+4915152004364"
    When agent "agent01" goes away
    When agent "agent03" goes away
    When 12709 seconds pass
    When agent "agent01" becomes available
    When agent "agent03" becomes available
    When agent "agent02" transfers IMS0001036 to queue "Soak"
    When "+16046458990" texts "7" to "+14154634579"
    When "+4915152004364" texts "aut sint autem voluptatum et vel possimus nulla voluptatibus sint." to "+14157914135"
    When "+5511991416738" texts "7" to "+14154634579"
    When agent "agent01" composes "deleniti porro voluptatem." on interaction IMS0001002 from "+14156476237"
    When 11 seconds pass
    When "+16046458990" texts "sint doloribus corporis modi et nisi tempora et sed." to "+14157914135"
    When "+31646755072" texts "ad voluptas voluptas exercitationem consequatur ut ut magnam doloremque." to "+14157914135"
    When agent "agent01" goes away
    When agent "agent03" goes away
    When 20573 seconds pass
    When agent "agent01" becomes available
    When agent "agent03" becomes available
    When "+4915152004364" texts "error eos earum voluptatum quidem natus at architecto voluptatum voluptatem." to "+14157914135"
    When 25 seconds pass
    When agent "agent03" composes "dolores aspernatur ipsam rerum nisi." on interaction IMS0001038 from "+14154634579"
    When "+4915152004364" texts "voluptas corporis voluptates." to "+14157914135"
    When 30 minutes pass
    Then every soak invariant holds and every send has settled

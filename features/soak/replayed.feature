Feature: soak seed 5 replayed

  Written by the soak's feature writer from every event of `convsms soak --seed 5 --conversations 20 --messages 100 --agents 3 --faults none`
  (cli/src/soak/feature.rs, test `the_writer_reproduces_the_committed_replay`): each event
  kind as catalogue steps, run by `convsms check` like any feature. Regenerate it with
  CONVSMS_WRITE_SOAK_FIXTURE=1 cargo test -p convsms-cli --bin convsms the_writer_reproduces

  @soak
  Scenario: seed 5 replayed
    Given the virtual agent answers with the built-in topics
    Given the Conversational SMS provider numbers "+14156275331" and "+14159645185" and "+14155474738"
    Given a sys_user "Elizabeth Franecki 1" with mobile phone "+31640724174" located in "NL"
    Given a consumer "Vincenzo Nienow 2" with mobile phone "+34604019783" located in "ES"
    Given a sys_user "Etha Rath 5" with mobile phone "+919163472667" located in "IN"
    Given a consumer "Lura Hane 6" with mobile phone "+61461443531" located in "AU"
    Given a customer contact "Danial Pagac 7" with mobile phone "+919287772946" located in "IN"
    Given a sys_user "Pattie Smitham 8" with mobile phone "+5511978330904" located in "BR"
    Given a consumer "Joany O'Reilly 9" with mobile phone "+5511912884696" located in "BR"
    Given a customer contact "Carley Schaefer 10" with mobile phone "+33682277955" located in "FR"
    Given a customer contact "Ernesto Johnson 12" with mobile phone "+33662622477" located in "FR"
    Given a sys_user "Nolan Orn 14" with mobile phone "+4915110336305" located in "DE"
    Given a consumer "Fiona Nader 15" with mobile phone "+393483502620" located in "IT"
    Given a customer contact "Toy Runte 16" with mobile phone "+16044618323" located in "CA"
    Given a sys_user "Wilhelm Rosenbaum 18" with mobile phone "+447311522830" located in "GB"
    Given a consumer "Dorothea Wintheiser 19" with mobile phone "+33617203172" located in "FR"
    Given an agent "agent01" who is available for SMS
    Given an agent "agent02" who is available for SMS
    Given an agent "agent03" who is available for SMS
    Given a queue "Soak" for SMS with agents "agent01", "agent02", "agent03"
    Given agent "agent01" has SMS capacity 1
    Given agent "agent02" has SMS capacity 2
    Given agent "agent03" has SMS capacity 3
    When "+4915176993209" texts "yes" to "+14155474738"
    When "+5511912884696" texts "aut debitis qui fugit dolorem labore in quas totam porro et ea est non consequatur est sed hic atque deleniti recusandae neque ut consectetur temporibus quidem sit qui minus tenetur aut aut in voluptas pariatur odit sint iste suscipit cupiditate sit impedit dicta quia impedit maiores fugiat atque earum veritatis distinctio impedit modi deleniti sunt velit rem consequatur quidem assumenda possimus commodi aut doloribus itaque beatae asperiores facilis est qui quidem sed optio hic quia quis officia doloremque sunt eos aut sint aut voluptatum porro vitae eius quia et cupiditate sit voluptatibus ex illum assumenda quaerat enim non nulla fuga iure non sit quaerat illum veritatis libero doloremque aperiam iure non eligendi consectetur quas aut repellendus et nobis molestiae consequatur possimus et sed ad quo qui libero corrupti molestiae dolor reiciendis omnis in dolore est dolorum aut reprehenderit qui fugiat voluptatem deleniti consequatur qui et eum occaecati inventore et ut voluptate corporis illo dolor earum temporibus in deleniti voluptatibus omnis ad qui ipsum ipsa autem deleniti omnis itaque excepturi doloribus nostrum at ut sed debitis voluptatem tempore et omnis non veniam eum est natus ut sapiente ea optio voluptatem necessitatibus necessitatibus ipsum perferendis exercitationem aut similique odit libero non at ipsa amet eum molestiae rerum laboriosam tempora incidunt aperiam ut exercitationem sint possimus aliquam quasi minus ut ut velit rerum enim aut animi nam quis ex vero fugit vero non rem iusto beatae repellendus error ut laboriosam est accusantium rerum officia " to "+14156275331"
    When "+33662622477" texts "beatae dolores voluptatem quasi sequi quos quo maxime atque optio." to "+14159645185"
    When "+393366156480" texts "corrupti possimus in aut deleniti ut est." to "+14159645185"
    When 94 seconds pass
    When "+919287772946" texts "inventore et sint ab corporis." to "+14159645185"
    When 118 seconds pass
    When 242 seconds pass
    When "+447311522830" texts "order" to "+14156275331"
    When "+4915176993209" texts "tempora sunt eius consequuntur." to "+14159645185"
    When agent "agent01" becomes available
    When "+447311522830" texts "magnam culpa laboriosam facilis asperiores praesentium quidem dignissimos." to "+14159645185"
    When 20 seconds pass
    When "+5511912884696" texts "Merci beaucoup, ça marche 😀" to "+14155474738"
    When "+33682277955" texts "est omnis quis vero." to "+14159645185"
    When "+61452459986" texts "agent" to "+14159645185"
    When "+919163472667" texts "ut quis consequatur eius aperiam temporibus repellat ut magni aut ut omnis odio rerum consequatur ut error quia recusandae magni ad veniam sed beatae eaque laudantium laudantium neque vero exercitationem molestias dolore alias consectetur consequatur dolorum est natus minus maxime recusandae voluptatem velit assumenda omnis est voluptatum corporis consequatur quia nihil pariatur id et deleniti iusto nesciunt ut odio nam cum perspiciatis et voluptatem sapiente ab incidunt" with the images "https://cdn.example.com/soak/5/photo-0.jpg", "https://cdn.example.com/soak/5/photo-1.jpg" and "https://cdn.example.com/soak/5/photo-2.jpg" to "+14156275331"
    When 230 seconds pass
    When 51 seconds pass
    When agent "agent02" accepts the work item for IMS0001011
    When "+34604019783" texts "" with the images "https://cdn.example.com/soak/2/photo-0.jpg" and "https://cdn.example.com/soak/2/photo-1.jpg" to "+14159645185"
    When "+5511978330904" texts "order" to "+14155474738"
    When "+31640724174" texts "sit velit quae repellendus pariatur vel qui quibusdam non alias." to "+14155474738"
    When "+33616122666" texts "1" to "+14155474738"
    When agent "agent01" becomes available
    When "+4915176993209" texts "ab impedit debitis." to "+14156275331"
    When "+33617203172" texts "officia dolorum rerum rerum occaecati qui blanditiis natus eos." to "+14156275331"
    When Twilio delivers the webhook of message #1 of IMS0001014 again
    When "+919163472667" texts "" with the image "https://cdn.example.com/soak/5/photo-0.jpg" to "+14155474738"
    When "+16044618323" texts "dignissimos reprehenderit et corporis eveniet provident repellendus voluptas est." to "+14155474738"
    When "+5511912884696" texts "distinctio quibusdam iste quia voluptates sunt eligendi ullam et ullam repudiandae quia suscipit molestiae sunt minima ab omnis sed deserunt nihil autem omnis architecto voluptatem itaque autem facere molestias rerum labore et voluptatem et dignissimos quae sed sit adipisci sit qui ducimus libero est voluptas magnam fugit suscipit eum nisi magnam voluptatem perferendis voluptas eius et omnis" with the images "https://cdn.example.com/soak/9/photo-0.jpg", "https://cdn.example.com/soak/9/photo-1.jpg" and "https://cdn.example.com/soak/9/photo-2.jpg" to "+14156275331"
    When 188 seconds pass
    When "+4915110336305" texts "" with the image "https://cdn.example.com/soak/14/photo-0.jpg" to "+14155474738"
    When agent "agent02" composes "quo facere quis eum quisquam alias sit ut quia sit provident est et tempora laudantium ea tempora placeat voluptatem sit saepe sint suscipit aliquam sit modi laborum nulla minima facilis aut harum quia repudiandae nobis magni facere omnis voluptatem sint delectus quos culpa voluptates voluptatem animi quia nulla aliquid cupiditate aut quidem suscipit dolor exercitationem in earum molestiae aut magni et et quisquam blanditiis cum harum incidunt est quod earum odit quibusdam asperiores voluptatem dignissimos repellat sapiente quo magnam deleniti nemo est ea et quis reiciendis facilis tenetur quis assumenda sapiente quia consequuntur consequatur corporis vitae adipisci quos rerum et tenetur ut inventore quo non blanditiis repellendus labore qui maxime quam eos adipisci sequi animi voluptatem quidem voluptatum in provident voluptatibus ipsum minus autem aut itaque tenetur harum voluptate aut natus dicta et enim minus nihil error dolores voluptates ducimus labore in cumque minima aut temporibus est voluptates sint voluptas veniam pariatur ratione labore ullam praesentium excepturi voluptas hic modi voluptatem est esse qui et repudiandae quia quam tempora dolores sapiente libero asperiores sed labore eos facilis est qui doloribus qui distinctio et perspiciatis distinctio aut quo mollitia dolorem molestias id molestias magnam et corrupti voluptas omnis suscipit qui corrupti sit sed ut tempora dolores et provident qui voluptas autem mollitia ut deserunt molestiae deserunt doloribus sit est excepturi quia qui repudiandae ut dolores neque et voluptatem omnis perspiciatis sint rerum i" on interaction IMS0001011 from "+14159645185"
    When "+31640724174" texts "7" to "+14159645185"
    When "+5511926841004" texts "quia nam debitis incidunt ut adipisci molestias ut." to "+14155474738"
    When 199 seconds pass
    When 146 seconds pass
    When 285 seconds pass
    When "+33617203172" texts "enim et aut voluptas quibusdam quas autem neque ut error cupiditate." to "+14155474738"
    When "+34604019783" texts "ipsam est molestiae ullam dolorem facere et nobis aspernatur omnis dignissimos explicabo ut beatae aut id quo consequatur id deleniti ut natus eos ad quia eos temporibus rem quisquam reiciendis maxime quia earum sed maxime saepe eos vel qui ex dolor corporis quaerat enim unde nobis amet dolores ut molestiae delectus quia velit qui placeat quo nihil consequatur enim repudiandae et voluptas odio vero omnis aliquam quis ullam assumenda porro et eum enim fuga aut quae corrupti modi ipsam nostrum tempora rerum ad ut harum doloremque cumque doloremque unde sed omnis rerum cupiditate ex et temporibus deserunt impedit libero est nam ullam reiciendis aut nulla ipsam corporis quo sed veniam eum aliquam cum qui blanditiis et natus voluptas repellendus id dolor minus et molestiae non possimus tenetur quia et reprehenderit voluptatem voluptatem nihil doloremque saepe impedit illum dolor dolores numquam dolor nisi laborum adipisci inventore sit quis deleniti laudantium sint eligendi non quis nulla facilis sed molestiae tempora commodi aperiam exercitationem recusandae voluptas enim placeat enim excepturi sed temporibus consequuntur sunt et praesentium doloremque sit optio recusandae fugit repellendus dolorem pariatur quos exercitationem deleniti iste ex culpa illum aliquam aspernatur minima accusantium exercitationem voluptas sit odit qui officia est atque architecto iste magnam accusamus a qui in esse suscipit et doloribus dicta porro et omnis recusandae culpa ut et ratione autem consectetur aperiam iusto voluptatem inventore recusandae asperiores sit quo aut ad earum et fugiat libero d" to "+14159645185"
    When "+33662622477" texts "natus voluptatem quisquam omnis voluptates consequatur." to "+14155474738"
    When "+919287772946" texts "in harum quis corporis ut." to "+14155474738"
    When agent "agent01" becomes available
    When "+919163472667" texts "et est iure quia recusandae et voluptas rerum provident vel." to "+14155474738"
    When "+919287772946" texts "1" to "+14159645185"
    When 199 seconds pass
    When "+61461443531" texts "2" to "+14159645185"
    When "+33682277955" texts "sit et aut vitae maiores dolor omnis." with the images "https://cdn.example.com/soak/10/photo-0.jpg" and "https://cdn.example.com/soak/10/photo-1.jpg" to "+14159645185"
    When "+447311522830" texts "non facilis placeat est quos saepe illum sequi enim veritatis." to "+14156275331"
    When "+919163472667" texts "¿Cuándo llega mi pedido? 📦" to "+14155474738"
    When "+61452459986" texts "id pariatur dolores qui tempore omnis optio autem." to "+14159645185"
    When "+5511912884696" texts "voluptatem autem tempora quibusdam deleniti nemo." to "+14159645185"
    When agent "agent01" goes offline
    When "+34604019783" texts "dolorum voluptas blanditiis voluptate architecto sunt non perspiciatis reiciendis iusto." to "+14155474738"
    When Twilio delivers the webhook of message #1 of IMS0001013 again
    When "+919287772946" texts "quasi omnis quo aut modi ad voluptas voluptate esse." to "+14155474738"
    When "+4915110336305" texts "agent" to "+14159645185"
    When 223 seconds pass
    When "+16044618323" texts "quis vitae placeat voluptas." to "+14155474738"
    When 183 seconds pass
    When "+447311522830" texts "et qui quasi unde repellat reprehenderit." to "+14159645185"
    When "+5511926841004" texts "cum neque consequatur." to "+14156275331"
    When "+919287772946" texts "yes" to "+14156275331"
    When "+5511912884696" texts "Спасибо, жду ответа" to "+14155474738"
    When Twilio delivers the webhook of message #1 of IMS0001017 again
    When agent "agent03" accepts the work item for IMS0001030
    When agent "agent01" becomes available
    When "+33616122666" texts "eius qui dolores aut." to "+14155474738"
    When "+5511978330904" texts "1" to "+14156275331"
    When "+5511978330904" texts "neque est eum voluptas omnis explicabo voluptatum in recusandae sit quo." to "+14156275331"
    When "+5511926841004" texts "voluptas suscipit est saepe quas consequatur rem aut magni atque." to "+14159645185"
    When 131 seconds pass
    When "+33617203172" texts "¿Cuándo llega mi pedido? 📦" to "+14159645185"
    When "+4915176993209" texts "dolores velit corporis ut repudiandae doloremque assumenda dolorum delectus dignissimos." to "+14155474738"
    When Twilio delivers the webhook of message #1 of IMS0001015 again
    When agent "agent02" composes "veniam et eum quasi eveniet quia commodi." on interaction IMS0001011 from "+14159645185"
    When "+393483502620" texts "quibusdam voluptate vel." to "+14155474738"
    When agent "agent03" composes "et repellat enim dolorum voluptatem placeat." on interaction IMS0001030 from "+14159645185"
    When 106 seconds pass
    When "+16044618323" texts "neque molestiae sint." to "+14159645185"
    When 77 seconds pass
    When agent "agent02" composes "ullam et non amet repellendus dolores laudantium officia." on interaction IMS0001011 from "+14159645185"
    When "+61452459986" texts "et quaerat porro sunt rerum." with the images "https://cdn.example.com/soak/11/photo-0.jpg", "https://cdn.example.com/soak/11/photo-1.jpg" and "https://cdn.example.com/soak/11/photo-2.jpg" to "+14159645185"
    When agent "agent03" composes "deserunt expedita accusamus sunt." on interaction IMS0001030 from "+14159645185"
    When "+5511926841004" texts "7" to "+14156275331"
    When agent "agent02" composes "aut quasi porro et voluptas repellat totam alias." on interaction IMS0001011 from "+14159645185"
    When "+61452459986" texts "sed quas autem quas omnis ut quis." to "+14155474738"
    When "+31640724174" texts "cum velit sunt quidem est." to "+14159645185"
    When 94 seconds pass
    When "+4915176993209" texts "ratione laboriosam dolor ea blanditiis ut ab." to "+14159645185"
    When 9552 seconds pass
    When "+61461443531" texts "agent" to "+14156275331"
    When "+4915176993209" texts "iure dolorem cum excepturi a." to "+14155474738"
    When "+5511912884696" texts "est quibusdam id sed dolores et." to "+14156275331"
    When "+61461443531" texts "fuga saepe pariatur reprehenderit sed nesciunt voluptas ab." to "+14156275331"
    When "+31640724174" texts "2" to "+14156275331"
    When "+34604019783" texts "7" to "+14156275331"
    When agent "agent02" composes "veniam nulla similique architecto voluptatibus ut eos fugit quas dolore sequi." on interaction IMS0001011 from "+14159645185"
    When 154 seconds pass
    When 2 minutes pass
    When "+33682277955" texts "aut dolores vel voluptatem totam officia." to "+14159645185"
    When 131 seconds pass
    When "+61452459986" texts "et voluptate repudiandae consectetur aut id sint." to "+14155474738"
    When "+16044618323" texts "eaque illo fuga qui ab laboriosam repudiandae ab maiores eum voluptas." to "+14155474738"
    When "+4915176993209" texts "7" to "+14159645185"
    When "+447311522830" texts "ab ea ad minima deleniti non nemo dolorem ipsa et quia nihil optio laborum velit veritatis dolorem blanditiis et ad voluptatem et autem unde laborum quia cumque natus ducimus est et et est dolore qui modi laudantium delectus voluptatem minima nostrum culpa est et vitae sint hic eum eum voluptatibus rerum perspiciatis beatae atque maxime qui omnis et sed eveniet molestiae possimus dolores nostrum facere nam velit ut et odio dolor quibusdam consequatur qui voluptatem occaecati animi voluptas et earum quis accusantium accusamus et rerum quis odio aut fugit quam et voluptatem blanditiis et magni ipsa ut odio voluptatum corrupti eos autem dicta qui ipsam officia vel eveniet culpa eos nam et sed ullam voluptate praesentium est quia neque ipsum error odio sit sed commodi sed est ipsa quasi omnis consequuntur ea incidunt hic nam quaerat porro et molestiae ullam est est beatae quod quisquam tempore temporibus qui minus in vero quibusdam et sunt sit blanditiis rerum distinctio sit eligendi eaque natus qui adipisci odit aut consequatur tenetur veritatis sunt perferendis architecto quo alias ipsa numquam dolorem nisi dolor atque voluptatum beatae cum laboriosam sequi consequatur rerum ab ducimus debitis non ad est iure voluptas qui libero quia debitis sunt modi quasi a blanditiis occaecati excepturi occaecati labore eum quis dicta in reiciendis ducimus et qui est qui est incidunt vitae iste quis rerum vitae et voluptatibus sed sed voluptate fugit aut provident assumenda occaecati sit iusto sint a necessitatibus quod ea non rem laborum recusandae aut qui et animi voluptates voluptates a" to "+14155474738"
    When "+5511926841004" texts "STOP" to "+14159645185"
    When "+33616122666" texts "3" to "+14156275331"
    When agent "agent03" rejects the work item for IMS0001039
    When "+33662622477" texts "agent" to "+14156275331"
    When "+61461443531" texts "assumenda non doloremque voluptates non laborum ut nihil ullam quis." to "+14156275331"
    When 169 seconds pass
    When agent "agent02" accepts the work item for IMS0001039
    When agent "agent01" accepts the work item for IMS0001051
    When agent "agent01" composes "voluptas adipisci culpa deleniti quisquam itaque tempore officia ut." on interaction IMS0001051 from "+14156275331"
    When "+447311522830" texts "Danke! Können Sie mich zurückrufen?" to "+14155474738"
    When agent "agent01" composes "est tempore quis dolores placeat itaque." on interaction IMS0001051 from "+14156275331"
    When agent "agent01" composes "sapiente totam sint qui." on interaction IMS0001051 from "+14156275331"
    When agent "agent02" composes "お世話になっております。注文の件です" on interaction IMS0001011 from "+14159645185"
    When "+393366156480" texts "order" to "+14155474738"
    When 225 seconds pass
    When Twilio delivers the webhook of message #3 of IMS0001008 again
    When "+4915110336305" texts "2" to "+14159645185"
    When "+33616122666" texts "1" to "+14159645185"
    When "+5511978330904" texts "7" to "+14155474738"
    When 9453 seconds pass
    When "+919287772946" texts "et ut nostrum et sint ut molestiae perferendis ipsum vitae aliquam nemo aut omnis sequi non quas vel consequuntur earum id minima consequatur sit optio aut est aliquam eligendi numquam excepturi minima hic adipisci incidunt inventore aut est magni aperiam laborum in praesentium molestiae qui velit et corporis perspiciatis doloremque vel rerum non saepe tempora explicabo exercitationem in dolor ut sit odit consequuntur vel aliquid alias placeat illum hic quia temporibus commodi deserunt est nihil voluptas iste veritatis dolore rem odio et error quia molestiae sequi quia voluptate voluptas non amet natus corrupti soluta iure sed et distinctio in cum error aspernatur ipsum reprehenderit quidem ut qui vel sunt molestiae possimus sunt similique maxime earum eaque magni ipsam dolor vel delectus voluptatum officiis repellat nisi autem earum error sed est reprehenderit magni provident debitis et perspiciatis repudiandae velit occaecati pariatur minima rem nisi ratione omnis dolorem ut necessitatibus omnis voluptas autem cum quisquam vero reprehenderit qui et id aut repellat qui nulla fuga ipsa quis perferendis vel non exercitationem amet temporibus itaque magni repellat aspernatur aut quae fuga eius et ducimus ex qui aut aperiam vel eligendi nihil consequatur nulla inventore quidem atque ut est qui saepe recusandae qui voluptas ipsum numquam eveniet nihil in quia enim hic et illum perferendis omnis quisquam iure quidem inventore rerum nobis iste quibusdam ratione ea quo beatae cum hic repellendus aut quae incidunt provident est harum fugit dicta possimus autem et ipsa ipsam itaque " to "+14156275331"
    When 137 seconds pass
    When 87 seconds pass
    When "+34604019783" texts "1" to "+14155474738"
    When "+447311522830" texts "ipsa similique eligendi nihil nemo quasi accusantium accusamus." to "+14159645185"
    When agent "agent02" composes "illum dolorum modi facilis quisquam." on interaction IMS0001011 from "+14159645185"
    When agent "agent02" composes "qui sed blanditiis iusto excepturi aut commodi." on interaction IMS0001011 from "+14159645185"
    When agent "agent02" closes IMS0001011
    When "+5511978330904" texts "nemo vitae dicta recusandae eum sunt provident eius." to "+14155474738"
    When 13 seconds pass
    When "+33682277955" texts "doloribus voluptates maiores." to "+14155474738"
    When agent "agent01" composes "non id aut ut aspernatur." on interaction IMS0001051 from "+14156275331"
    When "+61461443531" texts "no" to "+14156275331"
    When agent "agent02" composes "¿Cuándo llega mi pedido? 📦" on interaction IMS0001039 from "+14156275331"
    When agent "agent02" closes IMS0001039
    When "+31640724174" texts "dolores et non explicabo aliquid ipsam doloremque mollitia." to "+14159645185"
    When "+5511978330904" texts "voluptatem velit ullam nisi incidunt omnis." to "+14159645185"
    When 10 seconds pass
    When "+393366156480" texts "order" to "+14156275331"
    When agent "agent01" composes "in occaecati voluptatem dolorem fugiat enim porro dolore ipsum." from "+14159645185" to "+34604019783" for consumer "Vincenzo Nienow 2"
    When "+61452459986" texts "sed at provident occaecati." to "+14159645185"
    When agent "agent01" becomes available
    When 14 seconds pass
    When "+4915176993209" texts "aliquam laudantium inventore sed." to "+14159645185"
    When agent "agent03" composes "modi non itaque suscipit accusamus accusamus vel eum fuga et dolorem." on interaction IMS0001030 from "+14159645185"
    When "+393366156480" texts "deserunt dolorem et dolorum aliquid quaerat rem." to "+14155474738"
    When "+919163472667" texts "iste enim odit laborum et debitis qui placeat dolores." to "+14156275331"
    When Twilio delivers the webhook of message #1 of IMS0001054 again
    When 243 seconds pass
    When "+33682277955" texts "alias voluptas id possimus." to "+14156275331"
    When agent "agent01" composes "est magni nisi." on interaction IMS0001051 from "+14156275331"
    When "+33617203172" texts "placeat quia blanditiis dolores qui eveniet sapiente eligendi minus atque nisi." to "+14156275331"
    When "+33617203172" texts "" with the image "https://cdn.example.com/soak/19/photo-0.jpg" to "+14155474738"
    When "+919163472667" texts "delectus repudiandae ut consequatur." to "+14155474738"
    When agent "agent01" composes "quis est provident sint pariatur et." on interaction IMS0001063 from "+14159645185"
    When "+61461443531" texts "7" to "+14156275331"
    When agent "agent01"'s SMS capacity becomes 2
    When 1 second passes
    When "+393483502620" texts "no" to "+14159645185"
    When "+61461443531" texts "AGENT" to "+14155474738"
    When 93 seconds pass
    When "+33617203172" texts "ut omnis totam incidunt nesciunt autem voluptate blanditiis adipisci itaque magni." to "+14155474738"
    When 21 seconds pass
    When 21 seconds pass
    When agent "agent03" composes "maxime nemo vel tenetur cupiditate neque tempora maxime et id ut." on interaction IMS0001030 from "+14159645185"
    When "+4915176993209" texts "agent" to "+14155474738"
    When "+33617203172" texts "qui iste eveniet autem repellat ut nisi incidunt cupiditate." to "+14156275331"
    When 94 seconds pass
    When "+4915176993209" texts "yes" to "+14156275331"
    When Twilio delivers the webhook of message #1 of IMS0001048 again
    When "+31640724174" texts "Merci beaucoup, ça marche 😀" to "+14156275331"
    When 50 seconds pass
    When "+33617203172" texts "nemo placeat dolores." to "+14155474738"
    When agent "agent01" becomes available
    When 206 seconds pass
    When "+4915176993209" texts "omnis pariatur nam rerum inventore molestiae temporibus vero dolores ex." to "+14155474738"
    When 30 minutes pass
    Then every soak invariant holds and every send has settled
